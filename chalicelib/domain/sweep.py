"""The sweep of abandoned deliveries: finish the mentions a dead delivery stored that no other
delivery will ever meet again.

A delivery that died after storing mentions is finished by the next delivery that meets them
(its SQS retry, a later poll: store/repositories.py `_seen_again`). When none does (the poll job
ended in its DLQ, the post was deleted, the page moved on), the mentions would stay stored but
never counted nor alerted. So every delivery records the keys it is about to claim (one open
record, `OpenDeliveryRepository`), and a schedule examines each record once its lease is over:
a delivery that neither finished nor left its claims to another is marked taken over (were it
only slow, it can no longer count), and its mentions still claimed by it are taken over by a
new delivery of the sweep's own, which counts and publishes them as stored (`Pipeline.resume`).
That delivery records its keys first too, so a sweep that dies is swept in turn.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.models import WatchMention, claim_parts, new_attempt_id

if TYPE_CHECKING:
    from chalicelib.domain.pipeline import Pipeline
    from chalicelib.domain.ports import (
        AbandonedClaims,
        CounterRepository,
        OpenDeliveryRepository,
    )

PAGE_RECORDS = 2000  # open records read per Query page of a run
SAVE_CURSOR_EVERY = 100  # records: a sweep stopped half-way re-reads at most this many


@dataclass(frozen=True)
class OpenDelivery:
    """One delivery's open record: the (watch_id, mention_id) keys it was about to claim."""

    delivery_id: str
    at: datetime
    keys: tuple[tuple[str, str], ...]
    position: str  # its place in the log of records: the sweep's cursor once it is examined


@dataclass(frozen=True)
class Recovered:
    """What the sweep did for one abandoned delivery."""

    abandoned: str  # the delivery that died
    delivery_id: str  # the sweep's delivery that finished its mentions
    mentions: int  # mentions taken over and finished
    counted: int  # of which story leads, counted and published


@dataclass
class SweepResult:
    examined: int = 0
    recovered: list[Recovered] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return sum(r.mentions for r in self.recovered)


class Sweep:
    def __init__(
        self,
        *,
        log: OpenDeliveryRepository,
        claims: AbandonedClaims,
        counters: CounterRepository,
        pipeline: Pipeline,
        lease: timedelta,
        kept: timedelta,
        new_id: Callable[[], str] = new_attempt_id,
        limit: int = PAGE_RECORDS,
    ) -> None:
        self._log = log
        self._claims = claims
        self._counters = counters
        self._pipeline = pipeline
        self._lease = lease
        self._kept = kept  # past it a claim is never taken over (repositories ABANDONED_UNTIL)
        self._new_id = new_id
        self._limit = limit

    def run(self, now: datetime, time_left: Callable[[], float] = lambda: math.inf) -> SweepResult:
        """Examine the records written since the last run that are now past their lease (and
        within the time claims are kept), each once, page after page while `time_left` (the
        invocation's seconds, less a margin) lasts: a busy deployment never falls a day behind,
        when records expire unread. The cursor moves past what was examined, also when a record
        fails (then the error is raised after the cursor is saved)."""
        result = SweepResult()
        while time_left() > 0:
            records = self._log.unexamined(now - self._kept, now - self._lease, self._limit)
            if not records or not self._examine_all(records, now, result, time_left):
                break
        return result

    def _examine_all(
        self,
        records: list[OpenDelivery],
        now: datetime,
        result: SweepResult,
        time_left: Callable[[], float],
    ) -> bool:
        """Examine a page of records; False when time ran out before its end."""
        done: OpenDelivery | None = None
        examined = 0
        try:
            for record in records:
                if time_left() <= 0:
                    return False
                recovered = self._examine(record, now)
                if recovered is not None:
                    result.recovered.append(recovered)
                result.examined += 1
                examined += 1
                done = record
                if examined % SAVE_CURSOR_EVERY == 0:
                    self._log.examined(record)
        finally:
            if done is not None and examined % SAVE_CURSOR_EVERY != 0:
                self._log.examined(done)
        return True

    def _examine(self, record: OpenDelivery, now: datetime) -> Recovered | None:
        """Finish what the record's delivery left: nothing when it finished, else its mentions
        whose claim is still its own (the others were finished by whoever took them over)."""
        if self._counters.delivery_finished(record.delivery_id):
            return None
        left: list[tuple[WatchMention, str]] = []
        for watch_id, mention_id in record.keys:
            stored = self._claims.stored(watch_id, mention_id)
            if stored is not None and claim_parts(stored[1])[1] == record.delivery_id:
                left.append(stored)
        if not left or not self._claims.abandon(record.delivery_id):
            return None  # nothing left to it, or it finished after all
        delivery_id = self._new_id()
        # A delivery of its own: its keys first, so a sweep that dies here is swept in turn.
        self._log.open(delivery_id, [(item.watch_id, item.id) for item, _ in left], now)
        taken = [
            item for item, previous in left if self._claims.take_over(item, previous, delivery_id)
        ]
        if not taken:
            return None  # another sweep took them first
        finished = self._pipeline.resume(taken, delivery_id)
        return Recovered(
            record.delivery_id, delivery_id, len(taken), len(finished.new) - finished.copies
        )
