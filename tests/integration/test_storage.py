"""What the stored data promises: retention by TTL, hourly counters, filterable alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.aws.clients import client
from chalicelib.domain.models import CounterKey
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from chalicelib.store import counters as counters_module
from chalicelib.store.tables import CounterModel, DeliveryModel, MentionModel
from tests.integration.test_end_to_end import create_watch, signed

pytestmark = pytest.mark.integration


def post_mention(api: Client, native_id: str, text: str, published: str) -> None:
    body = json.dumps({"id": native_id, "text": text, "published_at": published}).encode()
    response = api.http.post("/webhooks/generic/zap", headers=signed(body), body=body)
    assert response.status_code == 202, response.body


def test_mentions_expire_after_their_watchs_retention(stack: LocalStack, api: Client) -> None:
    create_watch(api, id="short", query="Acme", retention_days=30)

    post_mention(api, "1", "Acme is fine", "2026-11-21T10:00:00Z")
    stack.drain()

    (item,) = MentionModel.query("short")
    assert item.expires_at == datetime(2026, 12, 21, 10, 0, tzinfo=UTC)
    dynamodb = MentionModel._get_connection().connection.client
    ttl = dynamodb.describe_time_to_live(TableName=MentionModel.Meta.table_name)
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"


ARTICLE = (
    "Acme Cloud suffered a four hour outage on Tuesday after a faulty configuration change took "
    "down its European region, the company said in a statement. Customers reported failed "
    "logins and lost orders while engineers rolled back the change. Acme said it would credit "
    "affected accounts and publish a full review of what went wrong within two weeks. Ünïcödé "
    "and emoji 🚀 survive the round trip too."
)


def test_a_long_text_is_stored_compressed_and_read_back_whole(
    stack: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")

    post_mention(api, "1", ARTICLE, "2026-11-21T10:00:00Z")
    post_mention(api, "2", "Acme is fine", "2026-11-21T10:01:00Z")
    stack.drain()

    feed = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    assert {i["native_id"]: i["text"] for i in feed} == {"1": ARTICLE, "2": "Acme is fine"}
    stored = {m.native_id: m for m in MentionModel.query("acme")}
    assert stored["1"].text == ""
    assert stored["1"].text_z is not None
    assert len(stored["1"].text_z) < 0.8 * len(ARTICLE.encode())
    assert (stored["2"].text, stored["2"].text_z) == ("Acme is fine", None)


def test_hourly_counters_add_up_by_source_and_sentiment(stack: LocalStack, api: Client) -> None:
    create_watch(api, id="acme", query="Acme")

    post_mention(api, "1", "Acme is great, I love it", "2026-11-21T10:05:00Z")
    post_mention(api, "2", "Acme is awful, I hate it", "2026-11-21T10:55:00Z")
    post_mention(api, "3", "Acme is great, we love it", "2026-11-21T11:01:00Z")
    post_mention(api, "3", "Acme is great, we love it", "2026-11-21T11:01:00Z")  # redelivered
    stack.drain()

    hours = services().counters.hourly(
        "acme", datetime(2026, 11, 21, 0, tzinfo=UTC), datetime(2026, 11, 21, 23, tzinfo=UTC)
    )
    assert {(k.hour.hour, k.source, k.sentiment): n for k, n in hours.items()} == {
        (10, "zap", "positive"): 1,
        (10, "zap", "negative"): 1,
        (11, "zap", "positive"): 1,
    }


def test_a_delivery_counts_each_hour_it_spans_in_one_cell(stack: LocalStack) -> None:
    hour = datetime(2026, 11, 21, 10, tzinfo=UTC)
    counts = {
        CounterKey("acme", hour, "reddit", "negative"): 2,
        CounterKey("acme", hour, "news.example.com", "positive"): 1,  # a source with dots
        CounterKey("acme", hour, "zap", "neutral"): 4,
    }

    services().counters.add(counts, hour + timedelta(days=800), "delivery-1")

    # Then one item holds the hour (one write, not one per source and sentiment) and reads back
    assert [c.cell for c in CounterModel.query("acme")] == ["H#2026112110"]
    assert services().counters.hourly("acme", hour, hour) == counts


def test_counter_cells_written_per_source_and_sentiment_still_read(stack: LocalStack) -> None:
    hour = datetime(2026, 11, 21, 9, tzinfo=UTC)
    CounterModel("acme", "H#2026112109#zap#negative", total=3).save()  # as stored before
    services().counters.add(
        {CounterKey("acme", hour, "zap", "negative"): 1}, hour + timedelta(days=800), "d-2"
    )

    assert services().counters.hourly("acme", hour, hour) == {
        CounterKey("acme", hour, "zap", "negative"): 4
    }


def _spread(hours: int, first: datetime) -> dict[CounterKey, int]:
    """A backfill page's counts: one lead an hour over `hours` hours."""
    return {
        CounterKey("acme", first + timedelta(hours=h), "zap", "neutral"): 1 for h in range(hours)
    }


def _total(first: datetime, hours: int) -> int:
    return sum(services().counters.hourly("acme", first, first + timedelta(hours=hours)).values())


def test_a_delivery_over_more_cells_than_a_transaction_holds_is_counted_once(
    stack: LocalStack,
) -> None:
    first = datetime(2026, 11, 1, tzinfo=UTC)
    counts = _spread(250, first)  # 250 hour cells: three transactions' worth
    counters = services().counters

    counters.add(counts, first + timedelta(days=800), "backfill-1")
    counters.add(counts, first + timedelta(days=800), "backfill-1")  # its retry

    assert _total(first, 250) == 250
    assert DeliveryModel.get("backfill-1").pending is None  # every part added


def test_a_big_delivery_that_died_between_its_parts_is_finished_by_the_next_reader(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = datetime(2026, 11, 1, tzinfo=UTC)
    counts = _spread(250, first)
    real = counters_module._transact
    calls = 0

    def dies_after_one_part(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise RuntimeError("worker killed")
        real(*args)

    monkeypatch.setattr(counters_module, "_transact", dies_after_one_part)
    with pytest.raises(RuntimeError):
        services().counters.add(counts, first + timedelta(days=800), "backfill-2")
    monkeypatch.setattr(counters_module, "_transact", real)

    # When another delivery meets its claims (or its retry opens an attempt), it reads the marker
    assert counters_module.mark_taken_over("backfill-2") is False  # it had committed: finished
    assert _total(first, 250) == 250
    assert services().counters.delivery_finished("backfill-2")
    assert _total(first, 250) == 250  # the parts added once, whoever read the marker


def test_subscribers_can_filter_alerts_by_watch(stack: LocalStack, api: Client) -> None:
    assert stack.resources is not None
    sqs, sns = client("sqs"), client("sns")
    queue_url = sqs.create_queue(QueueName=f"{services().settings.prefix}-only-rival")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=stack.resources.mentions_topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"FilterPolicy": json.dumps({"watch": ["rival"]}), "RawMessageDelivery": "true"},
    )
    create_watch(api, id="acme", query="Acme")
    create_watch(api, id="rival", query="Globex")

    post_mention(api, "1", "Acme is fast", "2026-11-21T10:00:00Z")
    post_mention(api, "2", "Globex is slow", "2026-11-21T10:01:00Z")
    stack.drain()

    received = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", [])
    assert [json.loads(m["Body"])["text"] for m in received] == ["Globex is slow"]
    attributes = {k: v["StringValue"] for k, v in received[0]["MessageAttributes"].items()}
    assert attributes == {
        "watch": "rival",
        "source": "zap",
        "sentiment": "negative",
        "language": "en",  # short, but English is what this deployment hears (Settings.languages)
        "influencer": "false",
        "reach": "0.0",
        "rules": '["every new mention"]',  # the watch's default rule, for filter policies
    }


def test_a_triage_decision_is_kept_with_who_and_when(stack: LocalStack, api: Client) -> None:
    create_watch(api, id="acme", query="Acme")
    post_mention(api, "1", "Acme refund please", "2026-11-21T10:00:00Z")
    stack.drain()
    (item,) = json.loads(api.http.get("/watches/acme/mentions").body)["items"]

    updated = services().mentions.set_status("acme", item["id"], "needs_reply", "ana@acme")
    missing = services().mentions.set_status(
        "acme", "20261121T100000Z.aaaaaaaaaaaaaaaaaaaa", "handled", "x"
    )

    assert updated is not None
    stored = json.loads(api.http.get(f"/watches/acme/mentions/{item['id']}").body)
    assert (stored["status"], stored["status_by"]) == ("needs_reply", "ana@acme")
    assert stored["status_at"] is not None
    assert stored["text"] == "Acme refund please"
    assert missing is None
    assert len(json.loads(api.http.get("/watches/acme/mentions").body)["items"]) == 1
