"""Stories end to end: copies of one article from different sources, against DynamoDB Local."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from chalicelib.domain.stories import StoryEntry, fingerprint
from chalicelib.local.stack import LocalStack
from chalicelib.store.repositories import DynamoCounterRepository
from chalicelib.store.stories import ENTRIES_PER_ITEM, DynamoStoryRepository
from tests.integration.test_end_to_end import create_watch, signed
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration

ARTICLE = (
    "Acme Cloud suffered a four hour outage on Tuesday after a faulty configuration change took "
    "down its European region, the company said in a statement. Customers reported failed "
    "logins and lost orders while engineers rolled back the change."
)
COPIES = [
    ("wire-1", "newswire", ARTICLE),
    (
        "blog-7",
        "techblog",
        f"{ARTICLE} Originally published at https://news.example/acme. Read more at TechWire.",
    ),
    ("post-3", "forum", f'> "{ARTICLE}" Ouch.'),
]


def post(api: Client, native_id: str, source: str, text: str, minute: int) -> None:
    body = json.dumps(
        {
            "id": native_id,
            "source": source,
            "text": text,
            "published_at": f"2026-11-21T08:{minute:02d}:00Z",
            "url": f"https://{source}.example/{native_id}",
            "author": {"name": source.title()},
        }
    ).encode()
    response = api.http.post("/webhooks/generic/zap", headers=signed(body), body=body)
    assert response.status_code == 202, response.body


def test_three_copies_of_one_article_are_one_story_alerted_and_counted_once(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query='"Acme Cloud"')

    # Given the article from a news wire, then a syndicated and a quoted copy, each delivered
    # on its own (separate deliveries and worker runs)
    for minute, (native_id, source, text) in enumerate(COPIES):
        post(api, native_id, source, text, minute)
        stack.drain()

    # Then all three are in the feed, as one story founded by the first
    items = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    assert sorted((i["source"], i["is_story_lead"]) for i in items) == [
        ("forum", False),
        ("newswire", True),
        ("techblog", False),
    ]
    lead = next(i["id"] for i in items if i["source"] == "newswire")
    assert {i["story_id"] for i in items} == {lead}
    # And Slack heard of it once, and the counters say 1
    assert len(slack.posts) == 1
    counts = DynamoCounterRepository().hourly(
        "acme", datetime(2026, 11, 21, 0, tzinfo=UTC), datetime(2026, 11, 21, 23, tzinfo=UTC)
    )
    assert sum(counts.values()) == 1


def test_a_copy_in_the_same_delivery_batch_joins_the_story(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query='"Acme Cloud"')

    # Given two copies queued before the worker runs
    for minute, (native_id, source, text) in enumerate(COPIES[:2]):
        post(api, native_id, source, text, minute)
    stack.drain()

    items = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    assert len(items) == 2
    assert len({i["story_id"] for i in items}) == 1
    assert len(slack.posts) == 1


def test_stored_stories_are_found_within_their_window_only(stack: LocalStack) -> None:
    repo = DynamoStoryRepository()
    at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    long = StoryEntry(fingerprint("", ARTICLE), "20261121T080000Z.aaaa")
    short = StoryEntry(fingerprint("", "Acme Cloud is down"), "20261121T080100Z.bbbb")
    many = [long] * (ENTRIES_PER_ITEM + 1)  # more than one item holds

    # Given the stories of a delivery, recorded twice (a retry at the same moment) and a big batch
    repo.record("acme", "d1", at, [long, short], at + timedelta(days=3))
    repo.record("acme", "d1", at, [long, short], at + timedelta(days=3))
    repo.record("acme", "d2", at + timedelta(hours=1), many, at + timedelta(days=3))

    # Then a lookup since before them finds each once, in order; one after them finds none
    found = repo.recent("acme", at - timedelta(hours=1))
    assert found[:2] == [long, short]
    assert len(found) == 2 + len(many)
    assert repo.recent("acme", at + timedelta(hours=2)) == []
    assert repo.recent("rival", at - timedelta(hours=1)) == []
