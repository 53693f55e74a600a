"""Sending jobs to an SQS queue, ten to a request."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.aws.clients import client
from chalicelib.domain.iters import batched
from chalicelib.errors import TransientError

MAX_VISIBILITY_S = 12 * 3600  # SQS's ceiling


class SqsJobQueue:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def send(self, bodies: Sequence[Mapping[str, Any]]) -> None:
        for chunk in batched(bodies, 10):
            entries = [
                {"Id": str(i), "MessageBody": json.dumps(body, separators=(",", ":"))}
                for i, body in enumerate(chunk)
            ]
            response = client("sqs").send_message_batch(QueueUrl=self._url, Entries=entries)
            if response.get("Failed"):
                codes = sorted({f.get("Code", "?") for f in response["Failed"]})
                raise TransientError(f"SQS refused {len(response['Failed'])} messages: {codes}")

    def postpone(self, receipt_handle: str, seconds: float) -> None:
        client("sqs").change_message_visibility(
            QueueUrl=self._url,
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=min(MAX_VISIBILITY_S, max(0, math.ceil(seconds))),
        )

    def depths(self) -> dict[str, int | None]:
        """Messages waiting in the queue and in its DLQ (`<name>-dlq`, as infra names it);
        None for one that cannot be read."""
        return {"messages": self._depth(self._url), "dlq_messages": self._depth(self._url + "-dlq")}

    @staticmethod
    def _depth(url: str) -> int | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            attributes = client("sqs").get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
        except (BotoCoreError, ClientError):
            return None
        return int(attributes["ApproximateNumberOfMessages"])
