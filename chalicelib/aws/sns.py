"""Publishing new mentions to the SNS topic, with message attributes subscriptions filter on."""

from __future__ import annotations

import json
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
    return {k: {"DataType": "String", "StringValue": v} for k, v in values.items()}


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
                        "Message": json.dumps(body, separators=(",", ":")),
                        "MessageAttributes": message_attributes(item),
                    }
                )
            response = client("sns").publish_batch(
                TopicArn=self._topic, PublishBatchRequestEntries=entries
            )
            if response.get("Failed"):
                raise TransientError(f"SNS refused {len(response['Failed'])} alerts")
