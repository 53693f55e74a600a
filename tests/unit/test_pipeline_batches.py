"""A webhook worker's SQS batch is one delivery: one count, one marker, one publish, and every
mention still stored once and counted once when SQS hands the messages back in other batches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.domain.models import (
    Author,
    Claim,
    Claimed,
    CounterKey,
    Mention,
    Watch,
    WatchMention,
    claim_parts,
)
from chalicelib.domain.pipeline import Pipeline
from chalicelib.errors import TransientError

WHEN = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
BRAND = Watch(id="acme", name="Acme", query="Acme")


class WorkerKilledError(Exception):
    """The worker died here: nothing after this line ran."""


class Markers:
    """The deliveries table: finished markers and batches another batch took a claim from."""

    def __init__(self) -> None:
        self.finished: set[str] = set()
        self.taken_over: set[str] = set()

    def take_over(self, delivery_id: str) -> bool:
        if delivery_id in self.finished:
            return False
        self.taken_over.add(delivery_id)
        return True


class Mentions:
    """The mentions table with the claim rules of store/repositories.py (within the lease)."""

    def __init__(self, markers: Markers) -> None:
        self.markers = markers
        self.claims: dict[tuple[str, str], str] = {}
        self.writes = 0
        self.before_claim: Callable[[], None] = lambda: None

    def claim(self, item: WatchMention, delivery_id: str, expires_at: datetime) -> Claimed:
        return Claimed(self._outcome(item, delivery_id), item)

    def _outcome(self, item: WatchMention, delivery_id: str) -> Claim:
        self.before_claim()
        key = (item.watch_id, item.id)
        stored = self.claims.get(key)
        if stored is None:
            self.claims[key] = delivery_id
            self.writes += 1
            return Claim.NEW
        if stored == delivery_id:
            return Claim.RETRY
        (mine, batch), (owner, marker) = claim_parts(delivery_id), claim_parts(stored)
        if owner == mine:
            if not self.markers.take_over(marker):
                return Claim.DUPLICATE
            self.claims[key] = delivery_id
            return Claim.RETRY
        if marker == batch or marker in self.markers.finished:
            return Claim.DUPLICATE
        return Claim.PENDING

    def feed(
        self, watch_id: str, limit: int, after: str | None = None
    ) -> tuple[list[WatchMention], str | None]:
        raise NotImplementedError

    def get(self, watch_id: str, mention_id: str) -> WatchMention | None:
        raise NotImplementedError

    def set_status(
        self, watch_id: str, mention_id: str, status: str, actor: str
    ) -> WatchMention | None:
        raise NotImplementedError


class Counters:
    """Counts added with the marker in one transaction, which fails once the batch is taken over."""

    def __init__(self, markers: Markers) -> None:
        self.markers = markers
        self.totals: Counter[CounterKey] = Counter()
        self.transactions = 0
        self.kill_next = False

    def add(self, counts: Mapping[CounterKey, int], expires_at: datetime, delivery_id: str) -> None:
        if self.kill_next:
            self.kill_next = False
            raise WorkerKilledError
        if delivery_id in self.markers.taken_over:
            raise TransientError(f"delivery {delivery_id} was taken over before it counted")
        if delivery_id in self.markers.finished:
            return
        self.transactions += 1
        self.markers.finished.add(delivery_id)
        self.totals.update(counts)

    def delivery_finished(self, delivery_id: str) -> bool:
        return delivery_id in self.markers.finished

    def hourly(self, watch_id: str, start: datetime, end: datetime) -> dict[CounterKey, int]:
        return dict(self.totals)


class Publisher:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.during_publish: Callable[[], None] = lambda: None

    def publish(self, items: Sequence[WatchMention]) -> None:
        self.calls.append([i.mention.native_id for i in items])
        self.during_publish()


class World:
    def __init__(self) -> None:
        self.markers = Markers()
        self.mentions = Mentions(self.markers)
        self.counters = Counters(self.markers)
        self.publisher = Publisher()
        self.pipeline = Pipeline(
            watches=[BRAND],
            mentions=self.mentions,
            counters=self.counters,
            publisher=self.publisher,
            analyser=BuiltinAnalyser(),
            clock=lambda: WHEN,
        )

    def counted(self) -> int:
        return sum(self.counters.totals.values())

    def published(self) -> Counter[str]:
        return Counter(native_id for call in self.publisher.calls for native_id in call)


def mention(native_id: str) -> Mention:
    return Mention(
        source="zap",
        native_id=native_id,
        url=f"https://example.com/{native_id}",
        text=f"Acme answered ticket {native_id} within the hour, thank you",
        published_at=WHEN,
        author=Author(name="Ana"),
    )


def messages(*ids: str) -> list[tuple[str, Mention]]:
    """Each webhook message carries one mention; message m1 carries mention n1."""
    return [(f"m{i}", mention(f"n{i}")) for i in ids]


def test_a_batch_of_ten_messages_is_one_delivery_counted_and_published_once() -> None:
    world = World()

    result = world.pipeline.process_messages(messages(*"0123456789"), "batch-1")

    assert len(result.new) == 10
    assert result.waiting == set()
    assert world.counted() == 10
    assert world.counters.transactions == 1
    assert len(world.publisher.calls) == 1
    assert world.markers.finished == {"batch-1"}


def test_a_message_retried_in_another_batch_is_a_retry_and_counted_once() -> None:
    # Given a batch that stored its mentions and died before counting them
    world = World()
    world.counters.kill_next = True
    with pytest.raises(WorkerKilledError):
        world.pipeline.process_messages(messages("1", "2", "3"), "batch-1")

    # When SQS hands the messages back split in two other batches
    first = world.pipeline.process_messages(messages("1", "3"), "batch-2")
    second = world.pipeline.process_messages(messages("2"), "batch-3")

    # Then each mention is stored once, counted once and published by its new batch
    assert (len(first.new), len(second.new)) == (2, 1)
    assert world.mentions.writes == 3
    assert world.counted() == 3
    assert world.published() == Counter({"n1": 2, "n2": 2, "n3": 2})  # once per attempt
    assert world.markers.taken_over == {"batch-1"}


def test_a_message_retried_after_its_batch_finished_is_a_duplicate() -> None:
    world = World()
    world.pipeline.process_messages(messages("1", "2"), "batch-1")

    again = world.pipeline.process_messages(messages("2"), "batch-2")

    assert (again.new, again.duplicates) == ([], 1)
    assert world.counted() == 2
    assert world.markers.taken_over == set()


def test_a_batch_killed_half_way_through_its_claims_is_completed_by_the_retry() -> None:
    # Given a batch killed after its second mention was stored
    world = World()
    claims = 0

    def die_after_two() -> None:
        nonlocal claims
        claims += 1
        if claims == 3:
            raise WorkerKilledError

    world.mentions.before_claim = die_after_two
    with pytest.raises(WorkerKilledError):
        world.pipeline.process_messages(messages("1", "2", "3", "4"), "batch-1")
    world.mentions.before_claim = lambda: None

    # When all its messages come back in one other batch
    retry = world.pipeline.process_messages(messages("4", "3", "2", "1"), "batch-2")

    # Then the two it stored are retries, the others new, and all four counted once
    assert sorted(i.mention.native_id for i in retry.new) == ["n1", "n2", "n3", "n4"]
    assert world.counted() == 4
    assert world.counters.transactions == 1


def test_a_slow_batch_whose_message_came_back_elsewhere_counts_nothing_twice() -> None:
    # Given a batch still running when one of its messages is handed to another batch
    world = World()

    def message_one_comes_back() -> None:
        world.publisher.during_publish = lambda: None
        world.pipeline.process_messages(messages("1"), "batch-2")

    world.publisher.during_publish = message_one_comes_back

    # When the slow batch goes on to count
    with pytest.raises(TransientError, match="taken over"):
        world.pipeline.process_messages(messages("1", "2"), "batch-1")

    # Then it counted nothing: mention 1 was counted by the other batch, and mention 2 is
    # counted when its message comes back
    assert world.counted() == 1
    world.pipeline.process_messages(messages("2", "1"), "batch-3")
    assert world.counted() == 2
    assert world.mentions.writes == 2


def test_two_messages_of_one_batch_with_the_same_mention_count_it_once() -> None:
    world = World()
    batch = [("m1", mention("n1")), ("m2", mention("n1"))]

    result = world.pipeline.process_messages(batch, "batch-1")

    assert (len(result.new), result.duplicates, result.waiting) == (1, 1, set())
    assert world.counted() == 1


def test_a_racing_duplicate_from_another_delivery_holds_back_only_its_own_message() -> None:
    # Given a poll that stored mention n1 and has not finished
    world = World()
    world.counters.kill_next = True
    with pytest.raises(WorkerKilledError):
        world.pipeline.process([mention("n1")], "poll-1")

    # When a webhook batch brings n1 again with another mention
    result = world.pipeline.process_messages([("m1", mention("n1")), *messages("2")], "batch-1")

    # Then the other mention is done and only the message of n1 waits for the poll
    assert [i.mention.native_id for i in result.new] == ["n2"]
    assert result.waiting == {"m1"}
    assert world.counted() == 1

    # And once the poll's retry finished, the message's retry finds n1 counted
    world.pipeline.process([mention("n1")], "poll-1")
    again = world.pipeline.process_messages([("m1", mention("n1"))], "batch-2")
    assert (again.new, again.waiting) == ([], set())
    assert world.counted() == 2


def test_a_poll_waiting_for_a_webhook_batch_still_fails_until_the_batch_finished() -> None:
    world = World()
    world.counters.kill_next = True
    with pytest.raises(WorkerKilledError):
        world.pipeline.process_messages(messages("1"), "batch-1")

    with pytest.raises(TransientError, match="wait for another delivery"):
        world.pipeline.process([mention("n1")], "poll-1")

    world.pipeline.process_messages(messages("1"), "batch-2")
    assert world.pipeline.process([mention("n1")], "poll-1").duplicates == 1
    assert world.counted() == 1


def test_two_copies_of_one_message_in_a_batch_count_its_mention_once() -> None:
    # SQS may hand a message out twice, even in one batch
    world = World()

    result = world.pipeline.process_messages(messages("1", "1", "2"), "batch-1")

    assert (len(result.new), result.duplicates) == (2, 1)
    assert world.counted() == 2
    assert world.published() == Counter({"n1": 1, "n2": 1})
