"""Authors are counted once per mention and can be erased, whatever way a mention was stored:
a lead on its author's day cell, a copy on its own index item, a delivery retried after a
crash, and mentions indexed before day cells kept their ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.domain.models import Author, Mention, WatchMention
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from chalicelib.store.tables import AuthorIndexModel
from tests.integration.test_end_to_end import create_watch, signed

pytestmark = pytest.mark.integration

DAY = "2026-11-20"
PERIOD = f"since={DAY}T00:00:00Z&until=2026-11-21T23:59:59Z"


def post(api: Client, native_id: str, text: str, at: str, handle: str = "@dana") -> None:
    mention = {
        "id": native_id,
        "text": text,
        "published_at": at,
        "author": {"name": handle.strip("@").title(), "handle": handle, "reach": 900},
    }
    raw = json.dumps(mention).encode()
    response = api.http.post("/webhooks/generic/zap", headers=signed(raw), body=raw)
    assert response.status_code == 202, response.body


def get(api: Client, path: str) -> dict[str, Any]:
    response = api.http.get(path)
    assert response.status_code == 200, response.body
    body: dict[str, Any] = json.loads(response.body)
    return body


def authors(api: Client) -> dict[str, int]:
    top = get(api, f"/analytics/top-authors?watch=acme&{PERIOD}")
    return {a["author"]: a["count"] for a in top["items"]}


def mention(native_id: str, text: str, hour: int) -> Mention:
    return Mention(
        source="zap",
        native_id=native_id,
        url="",
        text=text,
        published_at=datetime(2026, 11, 20, hour, tzinfo=UTC),
        author=Author(name="Dana", handle="@dana"),
    )


def test_a_day_of_one_authors_posts_costs_one_index_item_and_counts_each_post(
    stack: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")

    post(api, "1", "Acme shipped my order in a day", f"{DAY}T08:00:00Z")
    post(api, "2", "Acme support fixed the invoice bug quickly", f"{DAY}T09:00:00Z")
    post(api, "3", "Acme pricing page is confusing this week", "2026-11-21T09:00:00Z")
    post(api, "9", "Acme is fine", f"{DAY}T10:00:00Z", handle="@eli")
    stack.drain()

    index = [e.ref for e in AuthorIndexModel.query("zap#dana")]
    assert authors(api) == {"dana": 3, "eli": 1}
    assert sorted(index) == ["acme#A#20261120", "acme#A#20261121"]


def test_a_retried_delivery_counts_its_author_once(stack: LocalStack, api: Client) -> None:
    create_watch(api, id="acme", query="Acme")
    pipeline = services().pipeline()
    first = mention("r1", "Acme refunds took two weeks for me", 8)

    pipeline.process([first], delivery_id="d-1")
    pipeline.process([first], delivery_id="d-1")  # redelivered after it finished
    pipeline.process([first], delivery_id="d-2")  # the same post by another delivery
    stack.drain()

    assert authors(api) == {"dana": 1}


def test_a_delivery_that_stopped_after_storing_counts_its_author_when_retried(
    stack: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")
    svc = services()
    crashed = mention("c1", "Acme app logs me out every hour", 8)
    item = WatchMention(
        watch_id="acme",
        mention=crashed,
        language="en",
        sentiment="negative",
        sentiment_score=-0.5,
        matched_terms=("acme",),
    )
    svc.mentions.claim(item, "d-1", crashed.published_at + timedelta(days=365))  # then it stopped

    retried = svc.pipeline().process([crashed], delivery_id="d-1")
    stack.drain()

    assert [i.id for i in retried.new] == [item.id]
    assert authors(api) == {"dana": 1}


def test_erasing_an_author_removes_their_leads_and_copies_on_every_day(
    stack: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")
    lead_text = "Acme lost my parcel and support never answered my three emails about it"
    post(api, "1", lead_text, f"{DAY}T08:00:00Z", handle="@eli")
    post(api, "2", f"RT @eli: {lead_text}", f"{DAY}T08:30:00Z")  # dana's copy of eli's post
    post(api, "3", "Acme dashboard is down again", f"{DAY}T09:00:00Z")
    post(api, "4", "Acme answered within minutes", "2026-11-21T07:00:00Z")
    stack.drain()

    response = api.http.delete("/authors/zap/dana")
    feed = get(api, "/watches/acme/mentions?limit=100")

    assert json.loads(response.body)["mentions_erased"] == 3
    assert [i["native_id"] for i in feed["items"]] == ["1"]
    assert authors(api) == {"eli": 1}
    assert list(AuthorIndexModel.query("zap#dana")) == []


def test_mentions_indexed_one_by_one_before_day_cells_are_erased_too(
    stack: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")
    post(api, "1", "Acme checkout failed twice today", f"{DAY}T08:00:00Z")
    stack.drain()
    (stored,) = get(api, "/watches/acme/mentions")["items"]
    AuthorIndexModel("zap#dana", "acme#A#20261120").delete()
    ttl = datetime.now(UTC) + timedelta(days=30)
    AuthorIndexModel("zap#dana", f"acme#{stored['id']}", expires_at=ttl).save()  # as before

    response = api.http.delete("/authors/zap/dana")

    assert json.loads(response.body)["mentions_erased"] == 1
    assert get(api, "/watches/acme/mentions")["items"] == []
    assert authors(api) == {}
