"""Who wrote what, for top authors and for erasure, written with each stored mention.

A story's lead adds its id to its author's day cell in the watch (`A#yyyymmdd#source#handle`
in `counters`) and counts it there, in one conditional update: the id set makes the count
idempotent per mention without a transaction (1 WRU, where a transactional update costs 2).
The author index (`authors`) then needs one item per author, watch and day, pointing at that
cell (`<watch_id>#A#<day>`), written with the day's first mention only. A copy is not counted,
so it keeps one index item of its own (`<watch_id>#<mention_id>`), as every mention did before.
Erasing an author is therefore a Query on the index and a GetItem per cell, never a Scan.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.domain.authors import author_key
from chalicelib.domain.models import WatchMention
from chalicelib.store.tables import (
    CONDITION_FAILED,
    AuthorIndexModel,
    CounterModel,
    MentionModel,
)


def record_author(item: WatchMention, expires_at: datetime) -> None:
    """Count a lead on its author's day cell once, and index it; index a copy. Idempotent: a
    retried delivery finds its id in the cell and only writes the index item again."""
    author = item.mention.author
    key = author_key(item.mention.source, author.handle, author.name)
    if key is None:
        return
    if not item.is_story_lead:
        AuthorIndexModel(key, f"{item.watch_id}#{item.id}", expires_at=expires_at).save()
        return
    from chalicelib.domain.pipeline import COUNTER_RETENTION  # the worker has it loaded

    day = f"{item.mention.published_at:%Y%m%d}"
    until = datetime.now(UTC) + COUNTER_RETENTION
    cell = CounterModel(item.watch_id, f"A#{day}#{key}")
    actions: list[Action] = [
        CounterModel.refs.add({item.id}),
        CounterModel.total.add(1),
        CounterModel.expires_at.set(until),
    ]
    if item.reach_score is not None:  # the author's reach as last seen
        actions.append(CounterModel.reach_score.set(item.reach_score))
    try:
        cell.update(actions=actions, condition=~CounterModel.refs.contains(item.id))
        first = len(cell.refs or ()) == 1
    except UpdateError as error:
        if error.cause_response_code != CONDITION_FAILED:
            raise
        first = True  # counted by an attempt that may have stopped before the index item
    if first:
        AuthorIndexModel(key, f"{item.watch_id}#A#{day}", expires_at=until).save()


def erase_author(source: str, handle: str) -> int:
    """Delete every mention the author wrote, in every watch, their per-author counter cells
    and the index items; the watches' volume counters keep their numbers. Returns how many
    mentions were deleted."""
    key = author_key(source, handle, "")
    if key is None:
        return 0
    erased = 0
    cells: set[tuple[str, str]] = set()
    for entry in AuthorIndexModel.query(key, consistent_read=True):
        watch_id, _, rest = entry.ref.partition("#")
        if rest.startswith("A#"):  # a day cell: the ids of the leads it counted
            cell = f"{rest}#{key}"
            mention_ids = _counted(watch_id, cell)
        else:  # a copy, or a mention indexed before day cells kept ids
            cell, mention_ids = f"A#{rest[:8]}#{key}", [rest]
        cells.add((watch_id, cell))
        erased += sum(_delete(watch_id, mention_id) for mention_id in mention_ids)
        entry.delete()
    for watch_id, cell in cells:
        CounterModel(watch_id, cell).delete()
    return erased


def _counted(watch_id: str, cell: str) -> list[str]:
    try:
        return sorted(CounterModel.get(watch_id, cell, consistent_read=True).refs or ())
    except CounterModel.DoesNotExist:
        return []


def _delete(watch_id: str, mention_id: str) -> bool:
    """True when the mention was there (it may have expired since)."""
    try:
        MentionModel(watch_id, mention_id).delete(condition=MentionModel.watch_id.exists())
    except DeleteError as error:
        if error.cause_response_code != CONDITION_FAILED:
            raise
        return False
    return True
