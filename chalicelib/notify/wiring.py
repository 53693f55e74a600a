"""Building alert delivery from the deployment: Slack secrets from SSM, state in DynamoDB.

Each channel is a `ChannelSender` in `senders()`: Slack, the outgoing webhook, and email when
the notifier passes the alert-email topic (only the notifier may publish to it: infra grants
`sns:Publish` to the functions whose code reaches `Services.email_topic`).
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.alerts.flood import Batch
from chalicelib.domain.keys import short_hash
from chalicelib.domain.models import Watch, WatchMention
from chalicelib.domain.query import Span
from chalicelib.notify.delivery import AlertDelivery, ChannelSender
from chalicelib.notify.email import EmailSender, EmailTopic
from chalicelib.notify.render import as_slack, as_slack_batch
from chalicelib.notify.slack import SlackPoster
from chalicelib.settings import Settings


class SlackSender:
    def __init__(self, poster: SlackPoster) -> None:
        self._poster = poster

    def target(self, watch: Watch) -> str | None:
        where = self._poster.target(watch.alerts.slack_channel)
        return f"slack:{short_hash(where)}" if where else None

    def send_alert(self, watch: Watch, item: WatchMention, spans: Sequence[Span]) -> None:
        self._poster.post(as_slack(item, spans), watch.alerts.slack_channel)

    def send_batch(self, watch: Watch, batch: Batch) -> None:
        self._poster.post(as_slack_batch(watch.name, batch), watch.alerts.slack_channel)


def slack_poster(settings: Settings) -> SlackPoster:
    from chalicelib.aws.secrets import get_secret

    return SlackPoster(
        get_secret(settings.slack_webhook_parameter),
        bot_token=get_secret(settings.slack_bot_token_parameter),
        api_url=settings.slack_api_url,
        timeout_s=min(settings.http_timeout_s, 10.0),
        budget_s=max(5.0, settings.alert_lease_s * 0.7),
    )


def senders(settings: Settings, email: EmailTopic | None = None) -> dict[str, ChannelSender]:
    from chalicelib.aws.secrets import get_secret
    from chalicelib.notify.webhook import WebhookSender  # part B: the outgoing webhook channel

    channels: dict[str, ChannelSender] = {
        "slack": SlackSender(slack_poster(settings)),
        "webhook": WebhookSender(get_secret),
    }
    if email is not None:
        channels["email"] = EmailSender(email)
    return channels


def alert_delivery(settings: Settings, email: EmailTopic | None = None) -> AlertDelivery:
    from chalicelib.store.alerts import DynamoDeliveryLedger, DynamoFloodStore, DynamoGoneTargets

    return AlertDelivery(
        flood=DynamoFloodStore(),
        ledger=DynamoDeliveryLedger(),
        gone=DynamoGoneTargets(),
        senders=senders(settings, email),
        lease_s=settings.alert_lease_s,
    )
