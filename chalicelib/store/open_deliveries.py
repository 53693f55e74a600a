"""Open deliveries: the (watch, mention) keys each delivery is about to claim, written once
before its first claim, so the sweep (domain/sweep.py) can find what a dead delivery stored.

The records live in the counters table, in partitions no watch can have (a watch id starts with
a letter or digit): `~open#yyyymmddhh` by the hour they were written, sort key
`<ISO time, microseconds>#<delivery id>`, so the sweep reads each hour's new records with one
Query and never scans. The keys are grouped by watch and zlib-packed (`keys_z`): a page of 250
mentions takes about 4.5 KB (5 WRU; its mentions cost 250 and more), a webhook batch of one
about 0.1 KB (1 WRU); an item's 400 KB hold some 20,000 keys. They expire when a claim can no
longer be taken over (repositories ABANDONED_UNTIL). The sweep's cursor is one item,
`~sweep`/`cursor`: the sort key of the last record it examined.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.domain.sweep import OpenDelivery
from chalicelib.store.repositories import ABANDONED_UNTIL
from chalicelib.store.tables import CONDITION_FAILED, CounterModel

PARTITION = "~open#"
CURSOR = ("~sweep", "cursor")
_TIME = "%Y-%m-%dT%H:%M:%S.%f"  # fixed width: sort keys order by time
_TIME_WIDTH = 26


def pack_keys(keys: Sequence[tuple[str, str]]) -> bytes:
    """`watch<TAB>id<TAB>id…` a line per watch, ids sorted (their time prefixes compress)."""
    by_watch: dict[str, set[str]] = defaultdict(set)
    for watch_id, mention_id in keys:
        by_watch[watch_id].add(mention_id)
    lines = ("\t".join([w, *sorted(ids)]) for w, ids in sorted(by_watch.items()))
    return zlib.compress("\n".join(lines).encode(), 9)


def unpack_keys(packed: bytes) -> tuple[tuple[str, str], ...]:
    text = zlib.decompress(packed).decode()
    return tuple(
        (watch_id, mention_id)
        for line in text.split("\n")
        if line
        for watch_id, *ids in [line.split("\t")]
        for mention_id in ids
    )


def position(at: datetime, delivery_id: str) -> str:
    return f"{at.astimezone(UTC):{_TIME}}Z#{delivery_id}"


def _partition(hour: datetime) -> str:
    return f"{PARTITION}{hour.astimezone(UTC):%Y%m%d%H}"


def _hours(start: datetime, end: datetime) -> Iterator[datetime]:
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour <= end:
        yield hour
        hour += timedelta(hours=1)


class DynamoOpenDeliveries:
    def open(self, delivery_id: str, keys: Sequence[tuple[str, str]], at: datetime) -> None:
        CounterModel(
            _partition(at),
            position(at, delivery_id),
            keys_z=pack_keys(keys),
            expires_at=at + ABANDONED_UNTIL,
        ).save()

    def unexamined(self, since: datetime, until: datetime, limit: int) -> list[OpenDelivery]:
        """One Query per hour from the cursor (or `since`, when later) to `until`."""
        cursor = self._cursor()
        low = position(since, "")
        if cursor is not None and cursor > low:
            low = cursor
        high = f"{until.astimezone(UTC):{_TIME}}Z#~"  # "~" sorts after any delivery id
        start = datetime.strptime(low[:_TIME_WIDTH], _TIME).replace(tzinfo=UTC)
        found: list[OpenDelivery] = []
        for hour in _hours(start, until):
            if len(found) >= limit or low > high:
                break
            cells = CounterModel.query(
                _partition(hour), CounterModel.cell.between(low, high), limit=limit - len(found)
            )
            found.extend(_record(cell) for cell in cells if cell.cell != cursor)
        return found[:limit]

    def examined(self, record: OpenDelivery) -> None:
        """Forward only: of two sweeps that raced, the one behind cannot move it back."""
        try:
            CounterModel(*CURSOR).update(
                actions=[CounterModel.position.set(record.position)],
                condition=CounterModel.position.does_not_exist()
                | (CounterModel.position < record.position),
            )
        except UpdateError as error:
            if error.cause_response_code != CONDITION_FAILED:
                raise

    def _cursor(self) -> str | None:
        try:
            return CounterModel.get(*CURSOR, consistent_read=True).position
        except CounterModel.DoesNotExist:
            return None


def _record(cell: CounterModel) -> OpenDelivery:
    moment, _, delivery_id = cell.cell.partition("Z#")
    return OpenDelivery(
        delivery_id=delivery_id,
        at=datetime.strptime(moment, _TIME).replace(tzinfo=UTC),
        keys=unpack_keys(cell.keys_z) if cell.keys_z else (),
        position=cell.cell,
    )
