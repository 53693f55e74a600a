"""The sweep of abandoned deliveries and the pipeline's resume path, on the in-memory fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.domain.models import Author, Claimed, Mention, Watch, WatchMention
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.sweep import PAGE_RECORDS, Sweep
from tests.support.fakes import (
    MemoryAbandonedClaims,
    MemoryCounters,
    MemoryMentions,
    MemoryOpenDeliveries,
    MemoryPublisher,
)

WHEN = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
LEASE = timedelta(minutes=5)
BRAND = Watch(id="acme", name="Acme", query="Acme")


def mention(native_id: str, text: str) -> Mention:
    return Mention(
        source="rss",
        native_id=native_id,
        url=f"https://example.com/{native_id}",
        text=text,
        published_at=WHEN,
        author=Author(name="Ana"),
    )


class DiesBeforePublishing:
    def publish(self, items: Sequence[WatchMention]) -> None:
        raise RuntimeError("worker killed after storing its mentions")


class World:
    def __init__(self) -> None:
        self.counters = MemoryCounters()
        self.mentions = MemoryMentions(self.counters.finished)
        self.publisher = MemoryPublisher()
        self.opened = MemoryOpenDeliveries()
        self.claims = MemoryAbandonedClaims(self.mentions, self.counters)
        self.ids = iter(f"sweep-{n}" for n in range(1, 100))

    def pipeline(self, publisher: object | None = None) -> Pipeline:
        return Pipeline(
            watches=[BRAND],
            mentions=self.mentions,
            counters=self.counters,
            publisher=publisher or self.publisher,  # type: ignore[arg-type]
            analyser=BuiltinAnalyser(),
            clock=lambda: WHEN,
            opened=self.opened,
        )

    def killed_delivery(self, *mentions: Mention, delivery_id: str = "dead") -> None:
        with pytest.raises(RuntimeError):
            self.pipeline(DiesBeforePublishing()).process_messages(
                [(f"m{m.native_id}", m) for m in mentions], delivery_id
            )

    def sweeper(
        self,
        limit: int = PAGE_RECORDS,
        publisher: object | None = None,
        new_id: Callable[[], str] | None = None,
    ) -> Sweep:
        return Sweep(
            log=self.opened,
            claims=self.claims,
            counters=self.counters,
            pipeline=self.pipeline(publisher),
            lease=LEASE,
            kept=timedelta(days=1),
            new_id=new_id or (lambda: next(self.ids)),
            limit=limit,
        )

    def sweep(self, at: datetime) -> int:
        return self.sweeper().run(at).mentions

    def counted(self) -> int:
        return sum(self.counters.counts.values())

    def alerted(self) -> list[str]:
        return [i.mention.native_id for i in self.publisher.published]


def test_a_delivery_records_every_key_it_will_claim_in_one_write_before_its_first_claim() -> None:
    world = World()
    seen_at_first_claim: list[int] = []
    real_claim = world.mentions.claim

    def claim(item: WatchMention, delivery_id: str, expires_at: datetime) -> Claimed:
        seen_at_first_claim.append(len(world.opened.records))
        return real_claim(item, delivery_id, expires_at)

    world.mentions.claim = claim  # type: ignore[method-assign]

    world.pipeline().process_messages(
        [("m1", mention("1", "Acme is down")), ("m2", mention("2", "Acme is back"))], "d1"
    )

    (record,) = world.opened.records.values()
    assert record.delivery_id == "d1"
    assert sorted(k[0] for k in record.keys) == ["acme", "acme"]
    assert seen_at_first_claim == [1, 1]


def test_a_delivery_that_matches_nothing_writes_no_record() -> None:
    world = World()

    world.pipeline().process_messages([("m1", mention("1", "Globex is down"))], "d1")

    assert world.opened.records == {}


def test_resume_counts_and_alerts_the_leads_as_stored_under_its_own_delivery() -> None:
    # Given a lead and a copy of its story, as a dead delivery stored them
    world = World()
    world.killed_delivery(mention("1", "Acme lost my order"))
    (stored, _) = next(iter(world.mentions.items.values()))
    copy = replace(stored, mention=replace(stored.mention, native_id="2"), is_story_lead=False)

    # When a delivery of the sweep resumes them
    result = world.pipeline().resume([stored, copy], "sweep-1")

    # Then only the lead is counted and alerted, and the sweep's delivery is finished
    assert (len(result.new), result.copies) == (2, 1)
    assert world.counted() == 1
    assert world.alerted() == ["1"]
    assert "sweep-1" in world.counters.finished


def test_the_sweep_finishes_a_dead_delivery_once_after_its_lease() -> None:
    # Given a delivery that stored two mentions and died before counting them
    world = World()
    world.killed_delivery(mention("1", "Acme is awful, I hate it"), mention("2", "Acme is fine"))

    # When the sweep runs within the lease, after it, and again
    early = world.sweep(WHEN + LEASE - timedelta(seconds=1))
    late = world.sweep(WHEN + LEASE + timedelta(minutes=10))
    again = world.sweep(WHEN + LEASE + timedelta(minutes=25))

    # Then only the sweep after the lease finishes them: counted and alerted once
    assert (early, late, again) == (0, 2, 0)
    assert world.counted() == 2
    assert sorted(world.alerted()) == ["1", "2"]
    assert "dead" in world.claims.taken_over


def test_the_sweep_leaves_a_finished_delivery_alone() -> None:
    world = World()
    world.pipeline().process_messages([("m1", mention("1", "Acme is fine"))], "alive")

    recovered = world.sweep(WHEN + timedelta(hours=1))

    assert recovered == 0
    assert (world.counted(), world.alerted()) == (1, ["1"])
    assert world.claims.taken_over == set()


def test_the_sweep_leaves_mentions_another_delivery_took_over() -> None:
    # Given a dead delivery whose first mention a later delivery took over and counted
    world = World()
    world.killed_delivery(mention("1", "Acme is down"), mention("2", "Acme is slow"))
    first = next(
        key for key, (item, _) in world.mentions.items.items() if item.mention.native_id == "1"
    )
    item, _ = world.mentions.items[first]
    world.mentions.items[first] = (item, "later")
    world.pipeline().resume([item], "later")

    # When the sweep runs past the lease
    recovered = world.sweep(WHEN + timedelta(hours=1))

    # Then it finishes only the mention still left to the dead delivery
    assert recovered == 1
    assert world.counted() == 2
    assert sorted(world.alerted()) == ["1", "2"]


def test_a_sweep_that_died_half_way_is_swept_in_turn() -> None:
    # Given a dead delivery, and a sweep whose own delivery died before counting
    world = World()
    world.killed_delivery(mention("1", "Acme is down"))
    dying = world.sweeper(publisher=DiesBeforePublishing(), new_id=lambda: "sweep-dead")
    with pytest.raises(RuntimeError):
        dying.run(WHEN + timedelta(minutes=10))

    # When later sweeps run
    first = world.sweep(WHEN + timedelta(minutes=20))

    # Then the dead sweep's own record is found and its mention finished, once
    assert first == 1
    assert world.counted() == 1
    assert world.alerted() == ["1"]
    assert world.sweep(WHEN + timedelta(minutes=40)) == 0


def test_a_run_sweeps_page_after_page_until_its_time_is_up_and_the_next_goes_on() -> None:
    # Given seven deliveries that died, more than a page of three
    world = World()
    for n in range(7):
        world.killed_delivery(mention(f"p{n}", f"Acme post number {n}"), delivery_id=f"dead-{n}")
    sweep = world.sweeper(limit=3)
    # time asked before each page and each record: a page of three, then one more record
    budget = iter([1.0] * 6 + [0.0] * 100)

    # When a run's time runs out in its second page, and a later run has all it needs
    first = sweep.run(WHEN + timedelta(minutes=10), time_left=lambda: next(budget))
    second = sweep.run(WHEN + timedelta(minutes=25))

    # Then the first examined four over two pages, the second the other three (and the first
    # run's own deliveries, finished), none twice
    assert first.examined == 4
    assert (len(first.recovered), len(second.recovered)) == (4, 3)
    assert world.counted() == 7
    assert sorted(world.alerted()) == [f"p{n}" for n in range(7)]
