"""One mention's whole way through Tidings, against DynamoDB Local, moto's server over HTTP,
a local stand-in for each platform and for Slack."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.local.invoke import LocalContext, sqs_event
from chalicelib.local.stack import LocalStack
from chalicelib.store.tables import CursorModel
from chalicelib.webhooks.signing import sign
from tests.integration.conftest import WEBHOOK_SECRET
from tests.support.http_stub import HttpStub, Reply
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def rss(*items: tuple[str, str, str]) -> Reply:
    """An RSS 2.0 feed of (guid, title, pubDate) items, newest first."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://blog.example/{guid}</link>"
        f"<pubDate>{date}</pubDate><description>{title}, said a customer.</description></item>"
        for guid, title, date in items
    )
    return Reply(
        200,
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
        f"<language>en</language>{body}</channel></rss>",
        {"Content-Type": "application/rss+xml"},
    )


POSTS = (
    ("p2", "Acme support answered in minutes", "Sat, 21 Nov 2026 10:00:00 GMT"),
    ("p1", "Acme checkout is broken again", "Sat, 21 Nov 2026 09:00:00 GMT"),
    ("p0", "A post about something else", "Sat, 21 Nov 2026 08:00:00 GMT"),
)


def create_watch(api: Client, **fields: Any) -> None:
    response = api.http.post(
        "/watches", headers={"Content-Type": "application/json"}, body=json.dumps(fields)
    )
    assert response.status_code == 201, response.body


def feed_titles(api: Client, watch_id: str) -> list[str]:
    body = json.loads(api.http.get(f"/watches/{watch_id}/mentions").body)
    return [item["title"] for item in body["items"]]


def test_a_feed_post_flows_to_the_watch_feed_and_to_slack(
    stack: LocalStack, api: Client, platform: HttpStub, slack: SlackStub
) -> None:
    platform.serve("/feed.xml", rss(*POSTS))
    create_watch(
        api, id="acme", query="Acme", sources=[{"kind": "rss", "target": platform.url("/feed.xml")}]
    )

    stack.tick()
    stack.drain()

    assert feed_titles(api, "acme") == [
        "Acme support answered in minutes",
        "Acme checkout is broken again",
    ]
    assert sorted(slack.texts()) == [
        "[acme] Blog on rss: Acme checkout is broken again",
        "[acme] Blog on rss: Acme support answered in minutes",
    ]
    health = json.loads(api.http.get("/health").body)
    assert health["sources"][0]["ok"] is True


def test_hacker_news_comments_flow_and_the_cursor_moves_past_them(
    stack: LocalStack, api: Client, platform: HttpStub, slack: SlackStub
) -> None:
    page = json.loads((FIXTURES / "hackernews" / "search_by_date_page1.json").read_text())
    for age, hit in zip((60, 90), page["hits"], strict=True):  # recorded in 2018: make them recent
        hit["created_at_i"] = int(time.time()) - age
    platform.serve("/api/v1/search_by_date", Reply.json(page))
    create_watch(api, id="cities", query="California", sources=["hackernews"])

    stack.tick()
    stack.drain()

    items = json.loads(api.http.get("/watches/cities/mentions").body)["items"]
    assert [(i["source"], i["native_id"], i["author"]["name"]) for i in items] == [
        ("hackernews", "18463371", "komali2")
    ]
    assert items[0]["text"].startswith("Your example perfectly illustrates why I prefer")
    assert "&#x2F;" not in items[0]["text"]
    assert len(slack.posts) == 1

    stack.tick()
    stack.drain()

    first, second = platform.requests_to("/api/v1/search_by_date")[:2]
    assert bound(first) < page["hits"][0]["created_at_i"] - 3600  # a new watch looks back
    assert bound(second) >= page["hits"][0]["created_at_i"] - 180  # then only at what is new
    assert len(slack.posts) == 1


def bound(request: Any) -> int:
    """The lower time bound a Hacker News search asked for (`created_at_i>N`)."""
    return int(request.query["numericFilters"].split("created_at_i>")[1].split(",")[0])


def test_the_same_poll_page_delivered_twice_stores_one_mention_and_sends_one_alert(
    stack: LocalStack, api: Client, platform: HttpStub, slack: SlackStub
) -> None:
    platform.serve("/feed.xml", rss(*POSTS))
    create_watch(
        api, id="acme", query="Acme", sources=[{"kind": "rss", "target": platform.url("/feed.xml")}]
    )
    stack.tick()
    stack.drain()
    # As if the first poll's cursor write had been lost: the next poll sees the same page.
    for cursor in CursorModel.query("acme"):
        cursor.delete()

    stack.tick()
    stack.drain()

    assert len(platform.requests_to("/feed.xml")) == 2
    assert len(feed_titles(api, "acme")) == 2
    assert len(slack.posts) == 2


def signed(
    body: bytes, timestamp: int | None = None, secret: str = WEBHOOK_SECRET
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "X-Tidings-Timestamp": str(ts),
        "X-Tidings-Signature": sign(secret, ts, body),
    }


WEBHOOK_BODY = json.dumps(
    {
        "id": "zap-991",
        "text": "Acme refunded me within an hour. Impressed!",
        "published_at": "2026-11-21T08:15:00Z",
        "url": "https://reviews.example/991",
        "author": {"name": "Dana", "reach": 5400},
    }
).encode()


def test_the_same_webhook_delivered_twice_stores_one_mention_and_sends_one_alert(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query="Acme")

    first = api.http.post("/webhooks/generic/zap", headers=signed(WEBHOOK_BODY), body=WEBHOOK_BODY)
    second = api.http.post("/webhooks/generic/zap", headers=signed(WEBHOOK_BODY), body=WEBHOOK_BODY)
    stack.drain()

    assert (first.status_code, second.status_code) == (202, 202)
    items = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    assert [(i["source"], i["native_id"], i["author"]["reach"]) for i in items] == [
        ("zap", "zap-991", 5400)
    ]
    assert slack.texts() == [
        "[acme] Dana (5,400 followers) on zap: Acme refunded me within an hour. Impressed!"
    ]


def unsigned(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json"}


# Headers are made when the test runs, not when it is collected: a slow run must not age them.
@pytest.mark.parametrize(
    ("make_headers", "body", "status", "message"),
    [
        (partial(signed, secret="wrong"), WEBHOOK_BODY, 401, "signature does not match"),
        (unsigned, WEBHOOK_BODY, 401, "missing X-Tidings-Timestamp"),
        (lambda b: signed(b, int(time.time()) - 301), WEBHOOK_BODY, 401, "5-minute"),
        (signed, b'{"id": "1", "text": ', 400, "not valid JSON"),
        (signed, b'{"id": "1"}', 400, "text is required"),
    ],
    ids=["forged", "unsigned", "stale", "malformed", "incomplete"],
)
def test_a_bad_webhook_is_refused_and_never_reaches_the_queue(
    stack: LocalStack,
    api: Client,
    slack: SlackStub,
    make_headers: Callable[[bytes], dict[str, str]],
    body: bytes,
    status: int,
    message: str,
) -> None:
    create_watch(api, id="acme", query="Acme")

    response = api.http.post("/webhooks/generic/zap", headers=make_headers(body), body=body)

    assert response.status_code == status
    assert message in json.loads(response.body)["error"]
    assert stack.drain() == 0
    assert feed_titles(api, "acme") == []


def test_a_webhook_for_an_unknown_integration_is_refused(stack: LocalStack, api: Client) -> None:
    response = api.http.post(
        "/webhooks/generic/nope", headers=signed(WEBHOOK_BODY), body=WEBHOOK_BODY
    )

    assert response.status_code == 401


def test_a_bad_poll_job_fails_alone_and_the_others_land(
    stack: LocalStack, api: Client, platform: HttpStub, slack: SlackStub
) -> None:
    platform.serve("/a.xml", rss(POSTS[0]))
    platform.serve("/b.xml", rss(POSTS[1]))
    platform.serve("/gone.xml", Reply(404, "gone"))
    for wid, query, path in (
        ("a", "support", "/a.xml"),
        ("b", "checkout", "/b.xml"),
        ("gone", "Globex", "/gone.xml"),
    ):
        create_watch(
            api, id=wid, query=query, sources=[{"kind": "rss", "target": platform.url(path)}]
        )
    stack.tick()
    assert stack.resources is not None
    from chalicelib.aws.clients import client

    sqs = client("sqs")
    sqs.send_message(QueueUrl=stack.resources.poll_queue_url, MessageBody="{not a job")
    messages: list[dict[str, Any]] = []
    while len(messages) < 4:
        messages += sqs.receive_message(
            QueueUrl=stack.resources.poll_queue_url, MaxNumberOfMessages=10
        ).get("Messages", [])
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:poll"
    poison = next(m["MessageId"] for m in messages if m["Body"] == "{not a job")

    response = stack.app.handler_map["poll_worker"](
        sqs_event(messages, queue_arn), LocalContext("poll_worker")
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": poison}]}
    assert feed_titles(api, "a") == ["Acme support answered in minutes"]
    assert feed_titles(api, "b") == ["Acme checkout is broken again"]
    assert len(slack.posts) == 0  # alerts are still on their way through SNS
    stack.drain()
    assert len(slack.posts) == 2
    health = {s["watch_id"]: s for s in json.loads(api.http.get("/health").body)["sources"]}
    assert health["gone"]["ok"] is False
    assert "404" in health["gone"]["last_error"]
