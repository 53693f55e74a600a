"""Driving the Lambda handlers locally: receive from a queue, shape the event as Lambda would,
call the function Chalice registered, and delete what succeeded."""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.aws.clients import client


@dataclass
class LocalContext:
    """The parts of a Lambda context that handlers and Powertools read."""

    function_name: str
    aws_request_id: str = ""
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@functools.cache  # a queue's ARN never changes: one request less per batch
def _queue_arn(queue_url: str) -> str:
    attrs = client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    return str(attrs["Attributes"]["QueueArn"])


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": hashlib.md5(m["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for m in messages
        ]
    }


def sns_event(envelope: dict[str, Any]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{envelope.get('TopicArn', '')}:local",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": envelope.get("MessageId", ""),
                    "TopicArn": envelope.get("TopicArn", ""),
                    "Subject": envelope.get("Subject"),
                    "Message": envelope["Message"],
                    "Timestamp": envelope.get("Timestamp", ""),
                    "MessageAttributes": envelope.get("MessageAttributes", {}),
                },
            }
        ]
    }


def drain_once(app: Any, function: str, queue_url: str, *, from_sns: bool = False) -> int:
    """One receive of up to ten messages through the named function; returns messages handled.

    Messages the handler reports as failed stay on the queue and come back after the visibility
    timeout; after the queue's maxReceiveCount they move to its DLQ, as on AWS.
    """
    sqs = client("sqs")
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, AttributeNames=["All"]
    ).get("Messages", [])
    if not messages:
        return 0
    handler = app.handler_map[function]
    failed: set[str] = set()
    if from_sns:
        for message in messages:
            context = LocalContext(function, aws_request_id=str(uuid.uuid4()))
            try:
                handler(sns_event(json.loads(message["Body"])), context)
            except Exception:
                failed.add(message["MessageId"])
    else:
        context = LocalContext(function, aws_request_id=str(uuid.uuid4()))
        response = handler(sqs_event(messages, _queue_arn(queue_url)), context) or {}
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
            ],
        )
    return len(messages)
