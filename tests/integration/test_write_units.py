"""What the alert and cursor items cost on DynamoDB Local: one write unit each, as billed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bench.bench_store import Meter, metered
from chalicelib.domain.alerts.flood import FloodState, Held
from chalicelib.local.stack import LocalStack
from chalicelib.sources import feed_seen
from chalicelib.store.alerts import DynamoFloodStore
from chalicelib.store.repositories import DynamoCursorRepository

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 21, 12, 3, 7, 250000, tzinfo=UTC)


def burst(count: int) -> FloodState:
    """A scope in a burst of long posts: five sent, `count` held, the top three 300 characters."""
    text = "Café au lait and Acme's outage 🚀 — we switched everything over last night, and " * 4
    top = tuple(
        Held(
            alert_id=f"acme:20261121T12030{n}Z.9f2c4e1a7b3d5e6f#slack",
            headline=f"[acme] Maya Lindqvist (12,400 followers) on bluesky: {text}"[:300],
            url=f"https://bsky.app/profile/maya.example/post/3kz{n}abcdefgh",
            reach=float(900 * (3 - n)),
        )
        for n in range(3)
    )
    return FloodState(
        window_start=NOW,
        sent=5,
        held_count=count,
        top=top,
        first_held_at=NOW + timedelta(seconds=9),
    )


def test_a_burst_s_flood_state_is_one_write_unit_and_reads_back(stack: LocalStack) -> None:
    # Given a flood scope holding a burst of long posts
    store, meter = DynamoFloodStore(), Meter()
    assert store.save("acme", "slack", FloodState())
    first = store.get("acme", "slack")

    # When the burst's state is saved over it
    with metered(meter):
        meter.on = True
        saved = store.save("acme", "slack", replace(burst(12), version=first.version))
        meter.on = False
    back = store.get("acme", "slack")

    # Then the write cost 1 WRU, and the count, links and (cut, marked) headlines come back
    assert saved
    assert meter.total(writes=True) == 1.0
    assert back.held_count == 12
    assert [h.url for h in back.top] == [h.url for h in burst(12).top]
    assert all(140 <= len(h.headline) < 300 and h.headline.endswith("…") for h in back.top)
    assert back.top[0].headline.startswith(
        "[acme] Maya Lindqvist (12,400 followers) on bluesky: Café"
    )
    assert store.held() == [("acme", "slack", back)]


def test_a_busy_feed_s_cursor_is_one_write_unit(stack: LocalStack) -> None:
    # Given the cursor a poll of a busy feed leaves: 25 entries within the day, older digests
    recent = [feed_seen.digest(f"https://news.example/2026/11/{n}-slug") for n in range(25)]
    older = [feed_seen.digest(f"https://news.example/2026/10/{n}-slug") for n in range(200)]
    position = {
        "etag": '"5f3c-62a1b9e04c7c0"',
        "modified": "Sat, 21 Nov 2026 12:03:07 GMT",
        "published": NOW.isoformat(),
        "seen": feed_seen.dump(recent, older, keep=64, most=1000),
    }
    meter = Meter()

    # When the poll records it
    with metered(meter):
        meter.on = True
        DynamoCursorRepository().advance(
            "acme", "rss:https://news.example/feeds/all-articles.xml?format=rss2", position, 25
        )
        meter.on = False

    # Then it cost 1 WRU
    assert meter.total(writes=True) == 1.0
