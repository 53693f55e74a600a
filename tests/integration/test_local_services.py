"""The real local services answer over HTTP the way the adapters will use them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3  # noqa: TID251 - these tests check the services themselves, below any adapter
import pytest

from chalicelib.local.dynamodb_local import DynamoDBLocal
from chalicelib.local.moto_server import MotoServer

pytestmark = pytest.mark.integration


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_dynamodb_local_round_trips_an_item(dynamodb_local: DynamoDBLocal) -> None:
    # Given DynamoDB Local and a fresh table
    dynamodb: Any = boto3.client("dynamodb", endpoint_url=dynamodb_local.endpoint)
    table = _unique("local-services")
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.get_waiter("table_exists").wait(TableName=table)

    # When an item is put
    item = {"pk": {"S": "watch#1"}, "term": {"S": "tidings"}, "hits": {"N": "3"}}
    dynamodb.put_item(TableName=table, Item=item)

    # Then a consistent read returns it unchanged
    got = dynamodb.get_item(TableName=table, Key={"pk": {"S": "watch#1"}}, ConsistentRead=True)
    assert got["Item"] == item
    assert table in dynamodb.list_tables()["TableNames"]


def test_moto_sns_delivers_only_matching_messages_to_sqs(moto_server: MotoServer) -> None:
    # Given a topic with a queue subscribed through a filter policy on a message attribute
    sns: Any = boto3.client("sns", endpoint_url=moto_server.endpoint)
    sqs: Any = boto3.client("sqs", endpoint_url=moto_server.endpoint)
    topic_arn = sns.create_topic(Name=_unique("mentions"))["TopicArn"]
    queue_url = sqs.create_queue(QueueName=_unique("slack"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"FilterPolicy": json.dumps({"severity": ["high"]})},
    )

    # When one matching and one non-matching message are published
    for severity in ("high", "low"):
        sns.publish(
            TopicArn=topic_arn,
            Message=json.dumps({"severity": severity}),
            MessageAttributes={"severity": {"DataType": "String", "StringValue": severity}},
        )

    # Then only the matching one reaches the queue
    delivered: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", [])
        if not batch:
            break
        delivered.extend(json.loads(message["Body"]) for message in batch)
    assert [json.loads(envelope["Message"]) for envelope in delivered] == [{"severity": "high"}]
    assert delivered[0]["TopicArn"] == topic_arn
    assert delivered[0]["MessageAttributes"]["severity"]["Value"] == "high"
