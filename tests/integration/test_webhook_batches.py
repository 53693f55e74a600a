"""A webhook worker's SQS batch of up to ten messages is one delivery on DynamoDB Local: one
counting transaction for the batch, and when a batch fails and SQS hands its messages back in
other batches, every mention is still stored once, counted once and alerted once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.aws.clients import client
from chalicelib.local.invoke import LocalContext, sqs_event
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from chalicelib.store.repositories import DynamoMentionRepository
from chalicelib.store.tables import DeliveryModel
from tests.integration.test_end_to_end import create_watch, signed
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration
# As many single alerts as the test sends: each alert is a post of its own.
OPEN_FLOOD = {"flood": {"max_per_window": 100, "window_minutes": 1}}


def post_webhooks(api: Client, count: int) -> None:
    for n in range(count):
        body = json.dumps(
            {
                "id": f"zap-{n}",
                "text": f"Acme answered ticket {n} today",  # short: its own story
                "published_at": "2026-11-21T08:15:00Z",
                "url": f"https://reviews.example/{n}",
                "author": {"name": f"Customer {n}"},
            }
        ).encode()
        response = api.http.post("/webhooks/generic/zap", headers=signed(body), body=body)
        assert response.status_code == 202, response.body


def receive_all(stack: LocalStack, count: int) -> list[dict[str, Any]]:
    """The queued webhook messages, held by the test (as Lambda's poller holds a batch)."""
    assert stack.resources is not None
    sqs, messages = client("sqs"), []
    for _ in range(20):
        messages += sqs.receive_message(
            QueueUrl=stack.resources.ingest_queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=300,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if len(messages) >= count:
            break
    assert len(messages) == count
    return messages


def ingest(stack: LocalStack, batch: list[dict[str, Any]]) -> set[str]:
    """One ingest_worker invocation on the batch, as Lambda's SQS poller makes it; the message
    ids it reports as failed."""
    assert stack.resources is not None
    arn = client("sqs").get_queue_attributes(
        QueueUrl=stack.resources.ingest_queue_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    context = LocalContext("ingest_worker", aws_request_id=str(uuid.uuid4()))
    response = stack.app.handler_map["ingest_worker"](sqs_event(batch, arn), context) or {}
    return {failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])}


def finish(stack: LocalStack, messages: list[dict[str, Any]]) -> None:
    """Delete the handled messages, then let the notifier send the alerts."""
    assert stack.resources is not None
    for m in messages:
        client("sqs").delete_message(
            QueueUrl=stack.resources.ingest_queue_url, ReceiptHandle=m["ReceiptHandle"]
        )
    stack.drain()


def stored_ids(api: Client) -> list[str]:
    body = json.loads(api.http.get("/watches/acme/mentions?limit=50").body)
    return sorted(item["native_id"] for item in body["items"])


def counted() -> int:
    hours = services().counters.hourly(
        "acme", datetime(2026, 11, 21, 0, tzinfo=UTC), datetime(2026, 11, 21, 23, tzinfo=UTC)
    )
    return sum(hours.values())


def alerted(slack: SlackStub) -> list[str]:
    return sorted(text.split("ticket ")[1].split(" ")[0] for text in slack.texts())


def fail_claims(monkeypatch: pytest.MonkeyPatch, after: int, then: Callable[[], None]) -> None:
    """Call `then` right after the `after`th mention is stored (a crash, or a slow worker)."""
    original = DynamoMentionRepository.claim
    done = 0

    def claim(self: DynamoMentionRepository, *args: Any) -> Any:
        nonlocal done
        outcome = original(self, *args)
        done += 1
        if done == after:
            then()
        return outcome

    monkeypatch.setattr(DynamoMentionRepository, "claim", claim)


def test_a_batch_of_ten_webhooks_is_stored_and_counted_in_one_transaction(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given ten signed webhook deliveries queued
    create_watch(api, id="acme", query="Acme", alerts=OPEN_FLOOD)
    post_webhooks(api, 10)
    messages = receive_all(stack, 10)

    # When the ingest worker gets them as one batch
    failed = ingest(stack, messages)
    finish(stack, messages)

    # Then all ten are stored, counted once, alerted once, under one end marker
    assert failed == set()
    assert stored_ids(api) == sorted(f"zap-{n}" for n in range(10))
    assert counted() == 10
    assert alerted(slack) == sorted(str(n) for n in range(10))
    assert len(list(DeliveryModel.scan())) == 1


def test_a_batch_that_failed_half_way_and_came_back_split_in_two_counts_everything_once(
    stack: LocalStack, api: Client, slack: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a batch of ten that failed after storing five of its mentions
    create_watch(api, id="acme", query="Acme", alerts=OPEN_FLOOD)
    post_webhooks(api, 10)
    messages = receive_all(stack, 10)

    def crash() -> None:
        raise RuntimeError("the worker died")

    with monkeypatch.context() as patch:
        fail_claims(patch, 5, crash)
        assert ingest(stack, messages) == {m["MessageId"] for m in messages}

    # When SQS hands its messages back in two other batches
    first = ingest(stack, messages[6:] + messages[:2])
    second = ingest(stack, messages[2:6])
    finish(stack, messages)

    # Then every mention is stored once, counted once and alerted once
    assert (first, second) == (set(), set())
    assert stored_ids(api) == sorted(f"zap-{n}" for n in range(10))
    assert counted() == 10
    assert alerted(slack) == sorted(str(n) for n in range(10))


def test_a_slow_batch_whose_messages_came_back_elsewhere_counts_nothing_twice(
    stack: LocalStack, api: Client, slack: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a batch still storing its mentions when two of its messages are handed to another
    # worker (the visibility timeout ended), which stores and counts them
    create_watch(api, id="acme", query="Acme", alerts=OPEN_FLOOD)
    post_webhooks(api, 10)
    messages = receive_all(stack, 10)
    elsewhere: list[set[str]] = []

    with monkeypatch.context() as patch:
        fail_claims(patch, 4, lambda: elsewhere.append(ingest(stack, messages[:2])))
        # When the slow batch goes on to count
        slow = ingest(stack, messages)

    # Then it is not acknowledged: it counted nothing, and its messages come back
    assert elsewhere == [set()]
    assert slow == {m["MessageId"] for m in messages}
    assert counted() == 2
    assert ingest(stack, messages) == set()
    finish(stack, messages)

    # And every mention is stored once, counted once and alerted once
    assert stored_ids(api) == sorted(f"zap-{n}" for n in range(10))
    assert counted() == 10
    assert alerted(slack) == sorted(str(n) for n in range(10))


def test_an_unreadable_message_fails_alone_and_the_rest_of_its_batch_lands(
    stack: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")
    post_webhooks(api, 3)
    messages = receive_all(stack, 3)
    broken = {**messages[0], "MessageId": "broken-1", "Body": '{"mention": {"text": '}

    failed = ingest(stack, [broken, *messages])
    finish(stack, messages)

    assert failed == {"broken-1"}
    assert stored_ids(api) == ["zap-0", "zap-1", "zap-2"]
    assert counted() == 3
