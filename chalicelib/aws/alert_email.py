"""Publishing an instant email alert to the alert-email topic that email addresses subscribe to.

The notifier decides what to send (rules, flood control, batching, the delivery ledger); this
only hands SNS a subject, a plain-text body and the attributes subscription filter policies
select on (`watch`, `kind`, `sentiment`, `rules`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from chalicelib.aws.clients import client, refusals
from chalicelib.errors import PermanentError

# SNS refuses these for good: the topic is gone, or our role may not publish to it.
PERMANENT_CODES = {"NotFound", "AuthorizationError", "InvalidParameter", "KMSDisabled"}


def email_attributes(
    watch_id: str, kind: str, sentiment: str = "", rules: Sequence[str] = ()
) -> dict[str, dict[str, str]]:
    attrs = {
        "watch": {"DataType": "String", "StringValue": watch_id},
        "kind": {"DataType": "String", "StringValue": kind},
    }
    if rules:
        attrs["rules"] = {"DataType": "String.Array", "StringValue": json.dumps(list(rules))}
    if sentiment:
        attrs["sentiment"] = {"DataType": "String", "StringValue": sentiment}
    return attrs


class SnsEmailTopic:
    def __init__(self, topic_arn: str) -> None:
        self._topic = topic_arn

    @property
    def configured(self) -> bool:
        return bool(self._topic)

    @property
    def topic_arn(self) -> str:
        return self._topic

    def publish(self, subject: str, body: str, attributes: dict[str, dict[str, str]]) -> str:
        """Publish one email; returns the SNS message id."""
        if not self._topic:
            raise PermanentError("email alerts: no alert-email topic configured")
        with refusals("sns email", PERMANENT_CODES):
            response = client("sns").publish(
                TopicArn=self._topic, Subject=subject, Message=body, MessageAttributes=attributes
            )
        return str(response["MessageId"])
