"""The author index: one item per stored mention under its author's `source#handle`, so that
erasing an author is a Query, never a Scan. Costs one more write (1 WRU) per stored mention;
the item expires with the mention it points at."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError

from chalicelib.domain.authors import author_key
from chalicelib.domain.models import WatchMention
from chalicelib.store.tables import AuthorIndexModel, CounterModel, MentionModel


def record_author(item: WatchMention, expires_at: datetime) -> None:
    """Idempotent: a retried delivery writes the same item again."""
    author = item.mention.author
    key = author_key(item.mention.source, author.handle, author.name)
    if key is not None:
        AuthorIndexModel(key, f"{item.watch_id}#{item.id}", expires_at=expires_at).save()


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
        watch_id, _, mention_id = entry.ref.partition("#")
        try:
            MentionModel(watch_id, mention_id).delete(condition=MentionModel.watch_id.exists())
            erased += 1
        except DeleteError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
        cells.add((watch_id, f"A#{mention_id[:8]}#{key}"))
        entry.delete()
    for watch_id, cell in cells:
        CounterModel(watch_id, cell).delete()
    return erased
