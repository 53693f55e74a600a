"""Delivering a spike alert on the channels the watch's `alerts.spike.channels` name: Slack (as
the rules' alerts go: the incoming webhook, or the watch's channel with a bot token), email (SES,
to the watch's digest recipients) and the outgoing webhook.

Each channel is tried on its own: one failing does not keep the alert from the others, and the
count of channels that took it tells the spike check whether to keep its cool-down.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from chalicelib.domain.models import Watch
from chalicelib.domain.spikes import Explanation, Spike
from chalicelib.errors import TidingsError
from chalicelib.notify import spike_render
from chalicelib.notify.webhook import WebhookSender
from chalicelib.observability import logger, metrics
from chalicelib.settings import Settings


class SpikeChannels:
    def __init__(self, settings: Settings, secret: Callable[[str], str | None]) -> None:
        self._settings = settings
        self._secret = secret

    def notify(self, watch: Watch, spike: Spike, why: Explanation) -> int:
        delivered = 0
        for channel in watch.alerts.spike.channels:
            try:
                sent = self._send(channel, watch, spike, why)
            except TidingsError as error:
                logger.error(
                    "spike alert not delivered",
                    watch_id=watch.id,
                    channel=channel,
                    error=str(error),
                )
                metrics.add_metric(name="AlertsUndeliverable", unit="Count", value=1)
                continue
            delivered += int(sent)
        logger.info(
            "spike alert",
            watch_id=watch.id,
            kind=spike.kind,
            volume=spike.volume,
            expected=spike.expected,
            channels=delivered,
        )
        metrics.add_metric(name="SpikeAlerts", unit="Count", value=1)
        return delivered

    def _send(self, channel: str, watch: Watch, spike: Spike, why: Explanation) -> bool:
        if channel == "slack":
            from chalicelib.notify.wiring import slack_poster

            poster = slack_poster(self._settings)
            if poster.target(watch.alerts.slack_channel) is None:
                return False
            poster.post(spike_render.as_slack(watch.name, spike, why), watch.alerts.slack_channel)
            return True
        if channel == "email":
            from chalicelib.notify.digest_sender import digest_sender

            recipients = watch.alerts.digest.recipients
            from_address = digest_sender(self._settings) if recipients else None
            if not recipients or from_address is None:
                return False
            from chalicelib.aws.ses import send_email

            text = spike_render.as_text(watch.name, spike, why)
            html = '<pre style="font-family:Helvetica,Arial,sans-serif;white-space:pre-wrap;">'
            send_email(
                from_address,
                recipients,
                spike_render.summary(watch.name, spike),
                html + escape(text) + "</pre>",
                text,
            )
            return True
        if channel == "webhook":
            sender = WebhookSender(self._secret)
            if sender.target(watch) is None:
                return False
            sender.sink(watch).send_event("spike", spike_render.as_event(watch.name, spike, why))
            return True
        return False
