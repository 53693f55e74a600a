"""Counting a delivery once: the hourly counter cells, and the delivery markers that say a
delivery counted what it claimed (or was taken over and never will).

A delivery's counts and its marker are one transaction: a retry finds the marker and counts
nothing twice. One transaction holds 100 items, so a delivery that spans more hour cells
(a backfill page over days, a page matching many watches) commits differently: its marker is
written first, conditionally and alone, carrying the counts still to add (`pending`); that
write is the one that decides it counted. The cells then go in chunks, each in a transaction
with a marker of its own (`<id>#<k>`), so a chunk is added once however often it is tried;
whoever next reads the marker (this delivery, its retry, another delivery meeting its claims)
adds what is missing and clears `pending`.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.domain.models import CounterKey
from chalicelib.errors import TransientError
from chalicelib.observability import logger
from chalicelib.store.tables import CONDITION_FAILED, TALLY, CounterModel, DeliveryModel

MAX_TRANSACTION_ITEMS = 100
TAKEN_OVER_KEPT = timedelta(days=14)  # longer than SQS keeps a message that may come back
CONFLICT_TRIES = 4  # a transaction another one held an item of: nothing was written, try again

Cell = tuple[str, str, str, int]  # (watch_id, yyyymmddhh, source#sentiment, n): a pending add


def _now() -> datetime:
    return datetime.now(UTC)


def hour_cell(watch_id: str, hour: datetime) -> CounterModel:
    return CounterModel(watch_id, f"H#{hour:%Y%m%d%H}")


def _hour_counts(cell: CounterModel) -> dict[CounterKey, int]:
    """An hour cell's numbers by source and sentiment; a cell of one source and sentiment
    (`H#yyyymmddhh#source#sentiment`, as written before hour cells) reads the same way."""
    _, hour_text, *legacy = cell.cell.split("#", 3)
    hour = datetime.strptime(hour_text, "%Y%m%d%H").replace(tzinfo=UTC)
    tallies = {"#".join(legacy): int(cell.total)} if legacy else cell.tallies
    out: dict[CounterKey, int] = {}
    for name, n in tallies.items():
        source, _, sentiment = name.rpartition("#")
        out[CounterKey(cell.watch_id, hour, source, sentiment)] = n
    return out


def _cells(counts: Mapping[CounterKey, int]) -> list[Cell]:
    return sorted(
        (key.watch_id, f"{key.hour:%Y%m%d%H}", f"{key.source}#{key.sentiment}", n)
        for key, n in counts.items()
    )


def _updates(cells: list[Cell], expires_at: datetime) -> list[tuple[CounterModel, list[Any]]]:
    """One update per watch and hour, adding each source and sentiment by name."""
    hours: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for watch_id, hour, name, n in cells:
        hours[(watch_id, hour)].append(Path([f"{TALLY}{name}"]).add(n))  # one name, dots and all
    return [
        (CounterModel(watch_id, f"H#{hour}"), [*adds, CounterModel.expires_at.set(expires_at)])
        for (watch_id, hour), adds in hours.items()
    ]


class DynamoCounterRepository:
    """Hourly counters, one item per watch and hour with a number per source and sentiment,
    written in one transaction with the marker that the delivery finished: a batch of N
    mentions costs a write per hour it spans (2 WRU, transactional), and never counts twice."""

    def __init__(self, keep_deliveries_days: int = 14) -> None:
        self._keep = timedelta(days=keep_deliveries_days)

    def add(
        self,
        counts: Mapping[CounterKey, int],
        expires_at: datetime,
        delivery_id: str,
    ) -> None:
        """A lead's author is counted on the author's day cell when the lead is stored,
        idempotently and outside this transaction (store/authors.py)."""
        cells = _cells(counts)
        updates = _updates(cells, expires_at)
        marker = DeliveryModel(delivery_id, expires_at=_now() + self._keep)
        if len(updates) >= MAX_TRANSACTION_ITEMS:
            marker.pending = [list(c) for c in cells]
            marker.pending_expires_at = expires_at
        if not updates or marker.pending:  # the marker alone: 1 WRU a KB, not 2
            try:
                marker.save(condition=DeliveryModel.delivery_id.does_not_exist())
            except PutError as error:
                if error.cause_response_code != CONDITION_FAILED:
                    raise
                raise_if_taken_over(delivery_id)
                return
            if marker.pending:
                _add_pending(marker)
            return
        try:
            _transact(updates, marker)
        except TransactWriteError as error:
            if not _marker_exists(error):
                raise
            raise_if_taken_over(delivery_id)

    def delivery_finished(self, delivery_id: str) -> bool:
        return finished(delivery_id)

    def hourly(self, watch_id: str, start: datetime, end: datetime) -> dict[CounterKey, int]:
        lo, hi = f"H#{start:%Y%m%d%H}", f"H#{end:%Y%m%d%H}#~"
        out: dict[CounterKey, int] = defaultdict(int)
        for cell in CounterModel.query(watch_id, CounterModel.cell.between(lo, hi)):
            for key, n in _hour_counts(cell).items():
                out[key] += n
        return dict(out)


def _marker(delivery_id: str) -> DeliveryModel | None:
    """The delivery's marker, with any counts it committed to added first."""
    try:
        marker = DeliveryModel.get(delivery_id, consistent_read=True)
    except DeliveryModel.DoesNotExist:
        return None
    if marker.pending:
        _add_pending(marker)
    return marker


def _add_pending(marker: DeliveryModel) -> None:
    """Add a committed delivery's counts chunk by chunk, each chunk once, then clear them."""
    cells = [cast(Cell, tuple(c)) for c in marker.pending or []]
    expires_at = marker.pending_expires_at or _now() + timedelta(days=800)
    updates = _updates(cells, expires_at)
    size = MAX_TRANSACTION_ITEMS - 1
    for k, start in enumerate(range(0, len(updates), size)):
        part = DeliveryModel(f"{marker.delivery_id}#{k}", expires_at=marker.expires_at)
        try:
            _transact(updates[start : start + size], part)
        except TransactWriteError as error:
            if not _marker_exists(error):
                raise  # the marker keeps them: the next reader adds the rest
    marker.update(
        actions=[DeliveryModel.pending.remove(), DeliveryModel.pending_expires_at.remove()]
    )
    logger.info("delivery counted in parts", delivery_id=marker.delivery_id, cells=len(updates))


def _transact(updates: list[tuple[CounterModel, list[Any]]], marker: DeliveryModel) -> None:
    """The cells and the marker (written only if absent) in one transaction. A cancellation
    only for conflicts (another transaction held one of the hour cells, the busy ones) wrote
    nothing: tried again after a short random wait, as AWS advises."""
    for attempt in range(CONFLICT_TRIES):
        try:
            with TransactWrite(connection=connection_of(CounterModel)) as transaction:
                for cell, actions in updates:
                    transaction.update(cell, actions=actions)
                transaction.save(marker, condition=DeliveryModel.delivery_id.does_not_exist())
            return
        except TransactWriteError as error:
            if not _only_conflicts(error) or attempt == CONFLICT_TRIES - 1:
                raise
            _sleep(random.uniform(0.05, 0.2) * 2**attempt)  # noqa: S311 (jitter, no secret)


_sleep: Callable[[float], None] = time.sleep


def _only_conflicts(error: TransactWriteError) -> bool:
    codes = {r.code for r in error.cancellation_reasons if r is not None and r.code != "None"}
    return codes == {"TransactionConflict"}


def _marker_exists(error: TransactWriteError) -> bool:
    """Whether the transaction failed because the delivery's marker, its only conditional item,
    was already written: another attempt of the same delivery counted first."""
    return any(
        r is not None and r.code == "ConditionalCheckFailed" for r in error.cancellation_reasons
    )


def finished(delivery_id: str) -> bool:
    """Whether the delivery counted what it claimed: its marker exists and is not taken over."""
    marker = _marker(delivery_id)
    return marker is not None and not marker.taken_over


def mark_taken_over(delivery_id: str) -> bool:
    """Whether the delivery is (now) marked taken over; False: it had finished."""
    marker = DeliveryModel(delivery_id, expires_at=_now() + TAKEN_OVER_KEPT, taken_over=True)
    try:
        marker.save(condition=DeliveryModel.delivery_id.does_not_exist())
    except PutError as error:
        if error.cause_response_code != CONDITION_FAILED:
            raise
        return not finished(delivery_id)
    return True


def raise_if_taken_over(delivery_id: str) -> None:
    """The marker existed before this delivery counted: another attempt counted it (fine), or
    another batch took one of its claims over, and this one must not be acknowledged: its
    messages come back and count what it claimed under a batch of their own."""
    if not finished(delivery_id):
        raise TransientError(f"delivery {delivery_id} was taken over before it counted")


def connection_of(model: type[Model]) -> Connection:
    """The model's own connection, so a transaction reuses its botocore client: a new
    `Connection` would load the DynamoDB service model again on every transaction."""
    connection: Connection = cast(Any, model)._get_connection().connection
    return connection
