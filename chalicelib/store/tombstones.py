"""Platform tombstones: an item deleted on its platform (a YouTube WebSub `at:deleted-entry`) is
marked deleted in every watch that stored it, its text and title blanked.

Finding the stored mentions needs their key, and the store is keyed by time: a lookup item
(`MentionKeyModel`) is written next to each mention of a source that can send tombstones, one
more write (1 WRU) for those sources only; it expires with the mention it points at.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError

from chalicelib.domain.keys import mention_key
from chalicelib.domain.models import WatchMention
from chalicelib.store.tables import CONDITION_FAILED, MentionKeyModel, MentionModel

TOMBSTONED_SOURCES = frozenset({"youtube"})  # WebSub tombstones name YouTube videos
DELETED = "deleted"


def record_key(item: WatchMention, expires_at: datetime) -> None:
    """Idempotent; a no-op for sources that never send tombstones."""
    if item.mention.source in TOMBSTONED_SOURCES:
        MentionKeyModel(
            item.mention.key, f"{item.watch_id}#{item.id}", expires_at=expires_at
        ).save()


def mark_deleted(source: str, native_id: str) -> int:
    """Mark every stored mention of the platform's item deleted and blank its words; returns
    how many were marked (0 when none was stored, or all expired)."""
    marked = 0
    for entry in MentionKeyModel.query(mention_key(source, native_id), consistent_read=True):
        watch_id, _, mention_id = entry.ref.partition("#")
        try:
            MentionModel(watch_id, mention_id).update(
                actions=[
                    MentionModel.status.set(DELETED),
                    MentionModel.status_by.set(source),
                    MentionModel.status_at.set(datetime.now(UTC)),
                    MentionModel.text.set(""),
                    MentionModel.text_z.remove(),
                    MentionModel.title.set(""),
                ],
                condition=MentionModel.watch_id.exists(),
            )
            marked += 1
        except UpdateError as error:
            if error.cause_response_code != CONDITION_FAILED:
                raise
    return marked
