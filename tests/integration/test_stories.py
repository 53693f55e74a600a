"""Stories end to end: copies of one article from different sources, against DynamoDB Local."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from chalicelib.domain.models import Author, Mention, WatchMention
from chalicelib.domain.stories import StoryEntry, fingerprint
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from chalicelib.store.counters import DynamoCounterRepository
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


def test_a_retried_delivery_counts_and_alerts_a_story_as_it_was_stored(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query='"Acme Cloud"')
    svc = services()
    wire, blog = (_mention(n, s, t, minute) for minute, (n, s, t) in enumerate(COPIES[:2]))
    # Given a poll that stored the wire story as its own story's lead, then died
    founded = svc.pipeline()
    story_id = _item(wire, "acme").id
    svc.mentions.claim(
        replace(_item(wire, "acme"), story_id=story_id, is_story_lead=True),
        "poll-1",
        wire.published_at + timedelta(days=365),
    )
    # When its retry fetches the syndicated copy first, then the wire story again
    founded.process([blog, wire], delivery_id="poll-1")
    stack.drain()

    # Then the feed shows the story the wire item was stored with, and the counters and Slack
    # agree with the feed: every lead counted and alerted once
    items = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    leads = [i for i in items if i["is_story_lead"]]
    counts = DynamoCounterRepository().hourly(
        "acme", datetime(2026, 11, 21, 0, tzinfo=UTC), datetime(2026, 11, 21, 23, tzinfo=UTC)
    )
    assert sum(counts.values()) == len(leads)
    assert len(slack.posts) == len(leads)
    assert story_id in {i["id"] for i in leads}


def test_a_retried_delivery_counts_a_mention_as_it_was_stored(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query='"Acme Cloud"')
    svc = services()
    wire = _mention("wire-1", "newswire", ARTICLE, 0)
    # Given a poll that stored the article as neutral, then died
    stored = replace(_item(wire, "acme"), sentiment="neutral", sentiment_score=0.0)
    svc.mentions.claim(stored, "poll-1", wire.published_at + timedelta(days=365))

    # When its retry fetches the article again, edited meanwhile into a complaint
    edited = replace(wire, text=f"{ARTICLE} Terrible, awful service, I hate it.")
    svc.pipeline().process([edited], delivery_id="poll-1")
    stack.drain()

    # Then it is counted and alerted as the feed shows it
    (item,) = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    counts = DynamoCounterRepository().hourly(
        "acme", datetime(2026, 11, 21, 0, tzinfo=UTC), datetime(2026, 11, 21, 23, tzinfo=UTC)
    )
    assert (item["sentiment"], item["text"]) == ("neutral", ARTICLE)
    assert {key.sentiment: n for key, n in counts.items()} == {"neutral": 1}
    assert len(slack.posts) == 1
    assert "Terrible" not in slack.texts()[0]


def _mention(native_id: str, source: str, text: str, minute: int) -> Mention:
    return Mention(
        source=source,
        native_id=native_id,
        url=f"https://{source}.example/{native_id}",
        text=text,
        published_at=datetime(2026, 11, 21, 8, minute, tzinfo=UTC),
        author=Author(name=source.title()),
    )


def _item(mention: Mention, watch_id: str) -> WatchMention:
    return WatchMention(
        watch_id=watch_id,
        mention=mention,
        language="en",
        sentiment="negative",
        sentiment_score=-0.4,
        matched_terms=("acme cloud",),
    )


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
