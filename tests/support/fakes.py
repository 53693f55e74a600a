"""In-memory stand-ins for the storage and messaging ports: unit tests only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import (
    Claim,
    Claimed,
    CounterKey,
    Cursor,
    Watch,
    WatchMention,
    claim_parts,
)
from chalicelib.domain.stories import StoryEntry
from chalicelib.domain.sweep import OpenDelivery


class MemoryWatches:
    def __init__(self, *watches: Watch) -> None:
        self.items = {w.id: w for w in watches}

    def list(self) -> list[Watch]:
        return sorted(self.items.values(), key=lambda w: w.id)

    def get(self, watch_id: str) -> Watch | None:
        return self.items.get(watch_id)

    def put(self, watch: Watch) -> None:
        self.items[watch.id] = watch

    def create(self, watch: Watch) -> bool:
        if watch.id in self.items:
            return False
        self.items[watch.id] = watch
        return True

    def delete(self, watch_id: str) -> bool:
        return self.items.pop(watch_id, None) is not None


class MemoryMentions:
    """The mentions table. `finished`: the deliveries table's finished markers (share
    MemoryCounters.finished), so that a job's retry re-claims what an unfinished attempt of
    it stored, as store/repositories.py `_reclaim` does; without it, every attempt is alive."""

    def __init__(self, finished: set[str] | None = None) -> None:
        self.items: dict[tuple[str, str], tuple[WatchMention, str]] = {}
        self.finished = finished if finished is not None else set()

    def claim(self, item: WatchMention, delivery_id: str, expires_at: datetime) -> Claimed:
        key = (item.watch_id, item.id)
        if key in self.items:
            stored, claim = self.items[key]
            (owner, attempt), (mine, _) = claim_parts(claim), claim_parts(delivery_id)
            if claim == delivery_id or (owner == mine and attempt not in self.finished):
                self.items[key] = (stored, delivery_id)
                return Claimed(Claim.RETRY, stored)
            return Claimed(Claim.DUPLICATE, item)
        self.items[key] = (item, delivery_id)
        return Claimed(Claim.NEW, item)

    def feed(
        self, watch_id: str, limit: int, after: str | None = None
    ) -> tuple[list[WatchMention], str | None]:
        ids = sorted((k[1] for k in self.items if k[0] == watch_id), reverse=True)
        ids = [i for i in ids if after is None or i < after]
        page = [self.items[(watch_id, i)][0] for i in ids[:limit]]
        return page, (page[-1].id if len(ids) > limit else None)

    def get(self, watch_id: str, mention_id: str) -> WatchMention | None:
        found = self.items.get((watch_id, mention_id))
        return found[0] if found else None

    def set_status(
        self, watch_id: str, mention_id: str, status: str, actor: str
    ) -> WatchMention | None:
        found = self.items.get((watch_id, mention_id))
        if found is None:
            return None
        item = replace(found[0], status=status, status_by=actor, status_at=datetime.now(UTC))
        self.items[(watch_id, mention_id)] = (item, found[1])
        return item


class MemoryCounters:
    def __init__(self) -> None:
        self.counts: Counter[CounterKey] = Counter()
        self.calls = 0
        self.finished: set[str] = set()

    def add(
        self,
        counts: Mapping[CounterKey, int],
        expires_at: datetime,
        delivery_id: str,
    ) -> None:
        self.calls += 1
        self.counts.update(counts)
        self.finished.add(delivery_id)

    def delivery_finished(self, delivery_id: str) -> bool:
        return delivery_id in self.finished

    def hourly(self, watch_id: str, start: datetime, end: datetime) -> dict[CounterKey, int]:
        return {k: v for k, v in self.counts.items() if k.watch_id == watch_id}


class MemoryCursors:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Cursor] = {}

    def get(self, watch_id: str, source_id: str) -> Cursor:
        return self.items.get((watch_id, source_id), Cursor(watch_id, source_id))

    def advance(
        self, watch_id: str, source_id: str, position: Mapping[str, Any], items_fetched: int = 0
    ) -> None:
        self.items[(watch_id, source_id)] = Cursor(
            watch_id, source_id, dict(position), items_fetched=items_fetched
        )

    def record_error(
        self, watch_id: str, source_id: str, error: str, kind: str = "transient"
    ) -> None:
        old = self.get(watch_id, source_id)
        self.items[(watch_id, source_id)] = Cursor(
            watch_id,
            source_id,
            old.position,
            old.last_success_at,
            error,
            last_error_kind=kind,
            items_fetched=old.items_fetched,
        )

    def for_watch(self, watch_id: str) -> list[Cursor]:
        return [c for k, c in self.items.items() if k[0] == watch_id]


class MemoryStories:
    """StoryRepository in memory: items keyed like the DynamoDB ones, so a retry overwrites."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], list[StoryEntry]] = {}
        self.writes = 0

    def recent(self, watch_id: str, since: datetime) -> list[StoryEntry]:
        moment = f"{since:%Y%m%dT%H%M%SZ}"
        return [
            entry
            for (watch, batch), entries in sorted(self.items.items())
            if watch == watch_id and batch >= moment
            for entry in entries
        ]

    def record(
        self,
        watch_id: str,
        delivery_id: str,
        at: datetime,
        entries: Sequence[StoryEntry],
        expires_at: datetime,
    ) -> None:
        self.writes += 1
        self.items[(watch_id, f"{at:%Y%m%dT%H%M%SZ}#{delivery_id}")] = list(entries)


class MemoryPublisher:
    def __init__(self, fail_times: int = 0) -> None:
        self.published: list[WatchMention] = []
        self._fail_times = fail_times

    def publish(self, items: Sequence[WatchMention]) -> None:
        if self._fail_times:
            self._fail_times -= 1
            raise ConnectionError("SNS unavailable")
        self.published.extend(items)


class MemoryBudgets:
    """BudgetRepository in memory: the same refuse-past-the-limit rule as the DynamoDB one."""

    def __init__(self) -> None:
        self.usage: dict[str, int] = {}

    def spend(self, scope: str, amount: int, limit: int, expires_at: datetime) -> bool:
        if self.usage.get(scope, 0) + amount > limit:
            return False
        self.usage[scope] = self.usage.get(scope, 0) + amount
        return True

    def refund(self, scope: str, amount: int) -> None:
        if scope in self.usage:
            self.usage[scope] -= amount

    def used(self, scope: str) -> int:
        return self.usage.get(scope, 0)


class MemoryOpenDeliveries:
    """OpenDeliveryRepository in memory: the records by position, and the sweep's cursor."""

    def __init__(self) -> None:
        self.records: dict[str, OpenDelivery] = {}
        self.cursor: str | None = None

    def open(self, delivery_id: str, keys: Sequence[tuple[str, str]], at: datetime) -> None:
        position = f"{at:%Y-%m-%dT%H:%M:%S.%f}Z#{delivery_id}"
        self.records[position] = OpenDelivery(delivery_id, at, tuple(keys), position)

    def unexamined(self, since: datetime, until: datetime, limit: int) -> list[OpenDelivery]:
        return [
            r
            for p, r in sorted(self.records.items())
            if since <= r.at <= until and (self.cursor is None or p > self.cursor)
        ][:limit]

    def examined(self, record: OpenDelivery) -> None:
        self.cursor = max(self.cursor or "", record.position)


class MemoryAbandonedClaims:
    """AbandonedClaims over MemoryMentions and MemoryCounters' finished markers."""

    def __init__(self, mentions: MemoryMentions, counters: MemoryCounters) -> None:
        self.mentions = mentions
        self.counters = counters
        self.taken_over: set[str] = set()

    def stored(self, watch_id: str, mention_id: str) -> tuple[WatchMention, str] | None:
        return self.mentions.items.get((watch_id, mention_id))

    def abandon(self, delivery_id: str) -> bool:
        if delivery_id in self.counters.finished:
            return False
        self.taken_over.add(delivery_id)
        return True

    def take_over(self, item: WatchMention, previous: str, claim: str) -> bool:
        stored, current = self.mentions.items[(item.watch_id, item.id)]
        if current != previous:
            return False
        self.mentions.items[(item.watch_id, item.id)] = (stored, claim)
        return True
