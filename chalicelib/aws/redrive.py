"""Moving notifier events that Lambda gave up on back through the mentions topic.

The notifier's on-failure DLQ holds the SNS events Lambda could not deliver after its two
retries (`{"Records": [{"Sns": ...}]}`); locally the alerts queue's DLQ holds SNS envelopes.
Each notification is published again with its attributes plus `redrive=notifier`, so that
subscriptions other than the notifier can filter redriven copies out (`"redrive":
[{"exists": false}]`). The notifier's delivery ledger makes a copy that was delivered after
all a no-op.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.aws.clients import client

REDRIVE_ATTRIBUTE = "redrive"


def notifications(body: str) -> list[tuple[str, dict[str, dict[str, str]]]]:
    """(message, publish-ready attributes) of every SNS notification in a DLQ message body."""
    data = json.loads(body)
    envelopes = [r.get("Sns", {}) for r in data.get("Records", [])] if "Records" in data else [data]
    out = []
    for sns in envelopes:
        if "Message" not in sns:
            continue
        attrs: dict[str, dict[str, str]] = {}
        for name, value in (sns.get("MessageAttributes") or {}).items():
            kind = str(value.get("Type") or value.get("DataType") or "String")
            text = value.get("Value", value.get("StringValue"))
            if text is not None:
                attrs[name] = {"DataType": kind, "StringValue": str(text)}
        attrs[REDRIVE_ATTRIBUTE] = {"DataType": "String", "StringValue": "notifier"}
        out.append((str(sns["Message"]), attrs))
    return out


def topic_arn_for(name: str) -> str:
    account = client("sts").get_caller_identity()["Account"]
    region = client("sns").meta.region_name
    return f"arn:aws:sns:{region}:{account}:{name}"


def queue_url_for(name: str) -> str:
    return str(client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def redrive(dlq_url: str, topic_arn: str, limit: int = 1000) -> int:
    """Publish each DLQ message's notifications again, then delete it; returns messages moved.
    A message is deleted only after all its notifications were published."""
    sqs, sns = client("sqs"), client("sns")
    moved = 0
    while moved < limit:
        batch: list[dict[str, Any]] = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=min(10, limit - moved),
            WaitTimeSeconds=0,
            VisibilityTimeout=60,
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            for text, attrs in notifications(message["Body"]):
                sns.publish(TopicArn=topic_arn, Message=text, MessageAttributes=attrs)
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved
