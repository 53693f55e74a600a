"""Publishing new mentions to the SNS topic, with message attributes subscriptions filter on."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence

from chalicelib.aws.clients import client
from chalicelib.domain.iters import batched
from chalicelib.domain.models import WatchMention
from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.errors import TransientError

MAX_TEXT = 2000  # an alert quotes the text; the full mention stays in DynamoDB


def message_attributes(item: WatchMention) -> dict[str, dict[str, str]]:
    values = {
        "watch": item.watch_id,
        "source": item.mention.source,
        "sentiment": item.sentiment,
        "language": item.language,
    }
    attrs = {k: {"DataType": "String", "StringValue": v} for k, v in values.items()}
    # What alert rules filter on (chalicelib.domain.alerts.rules.sns_filter_policy)
    attrs["influencer"] = {"DataType": "String", "StringValue": str(item.influencer).lower()}
    attrs["reach"] = {"DataType": "Number", "StringValue": f"{item.reach_score or 0:.1f}"}
    if item.alert_rules:  # the watch's rules it fired: a filter policy may select e.g. "urgent"
        attrs["rules"] = {"DataType": "String.Array", "StringValue": json.dumps(item.alert_rules)}
    return attrs


def email_readable(item: WatchMention, message: str) -> dict[str, str]:
    """Message and Subject for every protocol: Lambda, SQS and email-json subscribers get the
    JSON (the "default"), an email subscription someone adds by hand a subject line and a
    plain-text body. Such a subscription is not flood-controlled: the instant email alerts
    infra subscribes (ALERT_EMAILS) use the alert-email topic the notifier publishes to."""
    from chalicelib.notify.render import as_text, headline

    subject = unicodedata.normalize("NFKD", " ".join(headline(item).split()))
    subject = subject.encode("ascii", "ignore").decode().strip() or "New mention"
    return {
        "Subject": subject[:99],
        "MessageStructure": "json",
        "Message": json.dumps({"default": message, "email": as_text(item)[: MAX_TEXT * 2]}),
    }


class SnsMentionPublisher:
    def __init__(self, topic_arn: str) -> None:
        self._topic = topic_arn

    def publish(self, items: Sequence[WatchMention]) -> None:
        for chunk in batched(items, 10):
            entries = []
            for i, item in enumerate(chunk):
                body = watch_mention_to_dict(item)
                body["text"] = body["text"][:MAX_TEXT]
                entries.append(
                    {
                        "Id": str(i),
                        **email_readable(item, json.dumps(body, separators=(",", ":"))),
                        "MessageAttributes": message_attributes(item),
                    }
                )
            response = client("sns").publish_batch(
                TopicArn=self._topic, PublishBatchRequestEntries=entries
            )
            if response.get("Failed"):
                raise TransientError(f"SNS refused {len(response['Failed'])} alerts")
