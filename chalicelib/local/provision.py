"""Create, on the local services, the same tables, queues and topic as the deployed stack."""

from __future__ import annotations

import json
from dataclasses import dataclass

from chalicelib.aws.clients import client
from chalicelib.settings import Settings
from chalicelib.store.tables import create_tables

MAX_RECEIVES = 5  # then a message moves to its DLQ, as in the deployed stack
LOCAL_VISIBILITY_S = 5  # short, so a failed job is retried within a demo's patience


@dataclass(frozen=True)
class LocalResources:
    poll_queue_url: str
    ingest_queue_url: str
    alerts_queue_url: str
    mentions_topic_arn: str
    email_topic_arn: str = ""  # instant email alerts; subscribe an address or a queue to read

    def environment(self) -> dict[str, str]:
        return {
            "TIDINGS_POLL_QUEUE_URL": self.poll_queue_url,
            "TIDINGS_INGEST_QUEUE_URL": self.ingest_queue_url,
            "TIDINGS_MENTIONS_TOPIC_ARN": self.mentions_topic_arn,
            "TIDINGS_EMAIL_TOPIC_ARN": self.email_topic_arn,
        }


def _queue_with_dlq(name: str) -> str:
    sqs = client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)})
    url: str = sqs.create_queue(
        QueueName=name,
        Attributes={"VisibilityTimeout": str(LOCAL_VISIBILITY_S), "RedrivePolicy": redrive},
    )["QueueUrl"]
    return url


def provision(settings: Settings) -> LocalResources:
    """Idempotent: running it against existing resources changes nothing."""
    create_tables(settings)
    sns, sqs = client("sns"), client("sqs")
    topic_arn: str = sns.create_topic(Name=settings.mentions_topic_name)["TopicArn"]
    alerts_url = _queue_with_dlq(f"{settings.prefix}-alerts-local")
    alerts_arn = sqs.get_queue_attributes(QueueUrl=alerts_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    # On AWS the notifier Lambda subscribes to the topic; locally a queue stands in for it.
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=alerts_arn)
    return LocalResources(
        poll_queue_url=_queue_with_dlq(settings.poll_queue_name),
        ingest_queue_url=_queue_with_dlq(settings.ingest_queue_name),
        alerts_queue_url=alerts_url,
        mentions_topic_arn=topic_arn,
        email_topic_arn=sns.create_topic(Name=settings.email_topic_name)["TopicArn"],
    )


def put_secret(name: str, value: str) -> None:
    client("ssm").put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
