"""The pipeline's promise: at-least-once in, exactly-once effect."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.domain.models import Author, Mention, Watch
from chalicelib.domain.pipeline import Pipeline
from tests.support.fakes import (
    MemoryCounters,
    MemoryMentions,
    MemoryPublisher,
)

WHEN = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def mention(native_id: str, text: str, source: str = "rss") -> Mention:
    return Mention(
        source=source,
        native_id=native_id,
        url=f"https://example.com/{native_id}",
        text=text,
        published_at=WHEN,
        author=Author(name="Ana"),
        language="en-US",
    )


class World:
    def __init__(self, *watches: Watch, publisher: MemoryPublisher | None = None) -> None:
        self.counters = MemoryCounters()
        self.mentions = MemoryMentions(self.counters.finished)
        self.publisher = publisher or MemoryPublisher()
        self.pipeline = Pipeline(
            watches=watches,
            mentions=self.mentions,
            counters=self.counters,
            publisher=self.publisher,
            analyser=BuiltinAnalyser(),
            clock=lambda: WHEN,
        )


BRAND = Watch(id="acme", name="Acme", query='Acme OR "Acme Cloud"')
RIVAL = Watch(id="rival", name="Rival", query="Globex")


def test_a_new_matching_mention_is_stored_counted_and_published_once() -> None:
    world = World(BRAND, RIVAL)

    result = world.pipeline.process([mention("1", "<p>I love <b>Acme</b> &amp; co</p>")], "d1")

    assert len(result.new) == 1
    stored = result.new[0]
    assert stored.watch_id == "acme"
    assert stored.mention.text == "I love Acme & co"
    assert stored.language == "en"
    assert stored.matched_terms == ("Acme",)
    assert [p.id for p in world.publisher.published] == [stored.id]
    assert sum(world.counters.counts.values()) == 1
    assert world.counters.calls == 1


def test_the_same_page_delivered_twice_stores_and_alerts_once() -> None:
    world = World(BRAND)
    page = [mention("1", "Acme is down"), mention("2", "Acme Cloud pricing")]

    first = world.pipeline.process(page, "delivery-1")
    second = world.pipeline.process(page, "delivery-2")

    assert len(first.new) == 2
    assert second.new == []
    assert second.duplicates == 2
    assert len(world.publisher.published) == 2
    assert sum(world.counters.counts.values()) == 2


def test_a_mention_matching_two_watches_is_stored_for_each() -> None:
    world = World(BRAND, RIVAL)

    result = world.pipeline.process([mention("1", "Acme versus Globex: a review")], "d1")

    assert sorted(i.watch_id for i in result.new) == ["acme", "rival"]


def test_unmatched_mentions_are_dropped() -> None:
    world = World(BRAND)

    result = world.pipeline.process([mention("1", "Nothing to see here")], "d1")

    assert result.unmatched == 1
    assert world.mentions.items == {}
    assert world.publisher.published == []


def test_a_retry_after_a_failed_publish_still_alerts_exactly_once() -> None:
    world = World(BRAND, publisher=MemoryPublisher(fail_times=1))
    page = [mention("1", "Acme outage")]

    with pytest.raises(ConnectionError):
        world.pipeline.process(page, "delivery-1")
    retried = world.pipeline.process(page, "delivery-1")
    again = world.pipeline.process(page, "delivery-1")

    assert len(retried.new) == 1
    assert again.new == []
    assert len(world.publisher.published) == 1
    assert sum(world.counters.counts.values()) == 1


def test_disabled_watches_match_nothing() -> None:
    world = World(Watch(id="off", name="Off", query="Acme", enabled=False))

    assert world.pipeline.process([mention("1", "Acme")], "d1").unmatched == 1
