"""The interfaces the domain needs; adapters live in store/, aws/ and sources/."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.models import (
    Claimed,
    CounterKey,
    Cursor,
    FetchResult,
    Mention,
    SourceRef,
    Watch,
    WatchMention,
)
from chalicelib.domain.stories import StoryEntry
from chalicelib.domain.sweep import OpenDelivery


class WatchRepository(Protocol):
    def list(self) -> list[Watch]: ...
    def get(self, watch_id: str) -> Watch | None: ...
    def put(self, watch: Watch) -> None: ...
    def create(self, watch: Watch) -> bool:
        """Store a new watch; False when the id is taken."""
        ...

    def delete(self, watch_id: str) -> bool: ...


class MentionRepository(Protocol):
    def claim(self, item: WatchMention, delivery_id: str, expires_at: datetime) -> Claimed:
        """Store the mention unless it exists (one conditional write) and say which it was."""
        ...

    def feed(
        self, watch_id: str, limit: int, after: str | None = None
    ) -> tuple[list[WatchMention], str | None]:
        """A watch's mentions newest first, and the cursor of the next page."""
        ...

    def get(self, watch_id: str, mention_id: str) -> WatchMention | None: ...

    def set_status(
        self, watch_id: str, mention_id: str, status: str, actor: str
    ) -> WatchMention | None:
        """Record a triage decision (who, when); None when the mention does not exist."""
        ...


class CounterRepository(Protocol):
    def add(
        self,
        counts: Mapping[CounterKey, int],
        expires_at: datetime,
        delivery_id: str,
    ) -> None:
        """Add the counts and record the delivery as finished, atomically: a retry can tell
        whether it was counted."""
        ...

    def delivery_finished(self, delivery_id: str) -> bool: ...
    def hourly(self, watch_id: str, start: datetime, end: datetime) -> dict[CounterKey, int]: ...


class CursorRepository(Protocol):
    def get(self, watch_id: str, source_id: str) -> Cursor: ...
    def advance(
        self, watch_id: str, source_id: str, position: Mapping[str, Any], items_fetched: int = 0
    ) -> None: ...
    def record_error(
        self, watch_id: str, source_id: str, error: str, kind: str = "transient"
    ) -> None: ...
    def for_watch(self, watch_id: str) -> list[Cursor]: ...


class BudgetRepository(Protocol):
    """Usage counters for paid or rationed APIs, one per scope (e.g. `x#acme#2026-11`)."""

    def spend(self, scope: str, amount: int, limit: int, expires_at: datetime) -> bool:
        """Add `amount` unless that takes the scope past `limit` (atomically); False if refused."""
        ...

    def refund(self, scope: str, amount: int) -> None: ...
    def used(self, scope: str) -> int: ...


class StoryRepository(Protocol):
    """The stories each watch founded recently (domain/stories.py), stored per batch."""

    def recent(self, watch_id: str, since: datetime) -> list[StoryEntry]:
        """Stories the watch founded since that moment, oldest first."""
        ...

    def record(
        self,
        watch_id: str,
        delivery_id: str,
        at: datetime,
        entries: Sequence[StoryEntry],
        expires_at: datetime,
    ) -> None:
        """Remember the stories a delivery founded (idempotent per delivery and moment)."""
        ...


class OpenDeliveryRepository(Protocol):
    """Which (watch_id, mention_id) keys each delivery is about to claim, written once per
    delivery before its first claim, so the sweep finds what a dead delivery stored."""

    def open(self, delivery_id: str, keys: Sequence[tuple[str, str]], at: datetime) -> None: ...
    def unexamined(self, since: datetime, until: datetime, limit: int) -> list[OpenDelivery]:
        """Records written from `since` to `until` the sweep has not examined, oldest first."""
        ...

    def examined(self, record: OpenDelivery) -> None:
        """Move the sweep's cursor to the record: it and those before it are not read again."""
        ...


class AbandonedClaims(Protocol):
    """The sweep's view of the mentions a dead delivery claimed (GetItem, conditional update)."""

    def stored(self, watch_id: str, mention_id: str) -> tuple[WatchMention, str] | None:
        """The mention as stored and its claim; None when it is not stored."""
        ...

    def abandon(self, delivery_id: str) -> bool:
        """Mark the delivery taken over, so it can never count; False: it had finished."""
        ...

    def take_over(self, item: WatchMention, previous: str, claim: str) -> bool:
        """Move the mention's claim from `previous` to `claim`; False: another moved it first."""
        ...


class MentionPublisher(Protocol):
    def publish(self, items: Sequence[WatchMention]) -> None: ...


class JobQueue(Protocol):
    def send(self, bodies: Sequence[Mapping[str, Any]]) -> None: ...
    def depths(self) -> dict[str, int | None]:
        """`messages` waiting and `dlq_messages` (failed 5 times); None when unreadable."""
        ...

    def postpone(self, receipt_handle: str, seconds: float) -> None:
        """Keep a received message hidden for `seconds`: a platform's Retry-After may be longer
        than the queue's visibility timeout, and retrying sooner only burns a receive."""
        ...


class Connector(Protocol):
    """A pull source: fetch what is new for a watch since the cursor."""

    kind: str

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult: ...


class Analyser(Protocol):
    def language(self, mention: Mention) -> str: ...
    def sentiment(self, text: str, language: str) -> tuple[str, float | None]: ...
    def reach(self, mention: Mention) -> tuple[float | None, bool]:
        """The author's reach score (None when the source reports no audience), and whether
        it makes them an influencer."""
        ...


class AlertSink(Protocol):
    def send(self, item: WatchMention) -> None: ...
