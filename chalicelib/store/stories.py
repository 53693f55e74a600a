"""StoryRepository on DynamoDB: the stories a watch founded, one small item per batch.

Copies are found by one Query per watch and batch over the story window (read units, cheap),
so founding a story adds ~70 bytes to one item per watch and batch instead of a write per
story; see the README ("Stories") for the cost figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.domain.stories import StoryEntry
from chalicelib.store.tables import StoryModel

# ~70 bytes an entry: 1000 entries keep an item far below DynamoDB's 400 KB.
ENTRIES_PER_ITEM = 1000


def _moment(at: datetime) -> str:
    return f"{at:%Y%m%dT%H%M%SZ}"


class DynamoStoryRepository:
    def recent(self, watch_id: str, since: datetime) -> list[StoryEntry]:
        return [
            StoryEntry.decode(entry)
            for item in StoryModel.query(watch_id, StoryModel.batch >= _moment(since))
            for entry in item.entries
        ]

    def record(
        self,
        watch_id: str,
        delivery_id: str,
        at: datetime,
        entries: Sequence[StoryEntry],
        expires_at: datetime,
    ) -> None:
        for n, start in enumerate(range(0, len(entries), ENTRIES_PER_ITEM)):
            chunk = entries[start : start + ENTRIES_PER_ITEM]
            StoryModel(
                watch_id,
                f"{_moment(at)}#{delivery_id}#{n}",
                entries=[e.encode() for e in chunk],
                expires_at=expires_at,
            ).save()
