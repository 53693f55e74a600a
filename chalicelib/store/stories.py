"""StoryRepository on DynamoDB: the stories a watch founded, one small item per batch.

Founding a story adds ~70 bytes to one item per watch and batch instead of a write per story.
Each process keeps the watch's recent entries (store/story_cache.py) and Queries only the items
dated since it last looked (less a minute for writes still landing then), so a delivery reads
the stories founded meanwhile, not the whole 48-hour window; see the README ("Stories").
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from chalicelib.domain.stories import STORY_WINDOW, StoryEntry
from chalicelib.observability import logger
from chalicelib.store.story_cache import WRITE_BOUND, StoryCache, moment
from chalicelib.store.tables import StoryModel

# ~70 bytes an entry: 1000 entries keep an item far below DynamoDB's 400 KB.
ENTRIES_PER_ITEM = 1000
# Story tables one process keeps caches for: one in a Lambda; the tests make one per test.
MAX_TABLES = 4

_caches: OrderedDict[tuple[str | None, str], StoryCache] = OrderedDict()


def _process_cache() -> StoryCache:
    """This process's cache for the story table the model is bound to now."""
    meta = StoryModel.Meta
    key = (getattr(meta, "host", None), meta.table_name)
    cache = _caches.get(key)
    if cache is None:
        cache = _caches[key] = StoryCache(fetch_batches)
        while len(_caches) > MAX_TABLES:
            _caches.popitem(last=False)
    _caches.move_to_end(key)
    return cache


def fetch_batches(watch_id: str, from_batch: str) -> Iterator[tuple[str, list[str]]]:
    """The watch's story items from that sort key on: what a StoryCache refreshes from."""
    for item in StoryModel.query(watch_id, StoryModel.batch >= from_batch):
        yield item.batch, list(item.entries)


class DynamoStoryRepository:
    def __init__(
        self, cache: StoryCache | None = None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        """`cache`: this process's (the default), or one of its own (a test's second worker)."""
        self._own_cache = cache
        self._monotonic = monotonic

    def recent(self, watch_id: str, since: datetime) -> list[StoryEntry]:
        # The pipeline asks for STORY_WINDOW back from its clock: that clock dates the batches.
        return self._cache().recent(watch_id, since + STORY_WINDOW)

    def _cache(self) -> StoryCache:
        return self._own_cache if self._own_cache is not None else _process_cache()

    def record(
        self,
        watch_id: str,
        delivery_id: str,
        at: datetime,
        entries: Sequence[StoryEntry],
        expires_at: datetime,
    ) -> None:
        """Dated `at`, the pipeline's clock just before this call; an item that took longer
        than WRITE_BOUND to land is written again under a later moment, so that processes which
        looked meanwhile find it when they next look (story_cache.py)."""
        cache = self._cache()
        called = self._monotonic()
        for n, start in enumerate(range(0, len(entries), ENTRIES_PER_ITEM)):
            chunk = list(entries[start : start + ENTRIES_PER_ITEM])
            dated = 0.0  # seconds after `at`
            while True:
                batch = f"{moment(at + timedelta(seconds=dated))}#{delivery_id}#{n}"
                StoryModel(
                    watch_id, batch, entries=[e.encode() for e in chunk], expires_at=expires_at
                ).save()
                landed = self._monotonic() - called
                if landed - dated <= WRITE_BOUND.total_seconds():
                    break
                logger.warning("stories written late, dated again", watch_id=watch_id)
                dated = landed
            cache.remember(watch_id, batch, chunk)
