"""Author reach looked up one author at a time (Reddit karma, GitHub followers), where the
platform's search results do not carry it: bounded per poll and cached per process, so a busy
watch never turns a poll into hundreds of profile requests. Reach is a nicety: a failed lookup
leaves the mention without it and never fails the poll."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from chalicelib.domain.models import Mention
from chalicelib.errors import SourceError
from chalicelib.observability import logger

MAX_LOOKUPS = 25  # per poll and source
TTL_S = 3600.0  # an author's reach is looked up again after an hour


class ReachCache:
    """`(source, handle) -> reach` for this process; `clock` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[int | None, float]] = {}

    def with_reach(
        self,
        source: str,
        mentions: Iterable[Mention],
        look_up: Callable[[str], int | None],
        *,
        limit: int = MAX_LOOKUPS,
    ) -> list[Mention]:
        """The mentions with their authors' reach: cached, or looked up (at most `limit` new
        lookups); after a failed lookup the rest wait for the next poll."""
        items = list(mentions)
        now = self._clock()
        reach: dict[str, int | None] = {}
        lookups = 0
        for handle in dict.fromkeys(m.author.handle for m in items if m.author.handle):
            cached = self._entries.get((source, handle))
            if cached and cached[1] > now:
                reach[handle] = cached[0]
                continue
            if lookups >= limit:
                continue
            lookups += 1
            try:
                value = look_up(handle)
            except SourceError as error:
                logger.warning("author reach unavailable", source=source, error=str(error))
                if error.transient or error.reason == "credentials":
                    break  # rate limited or refused: the rest wait for the next poll
                value = None  # this author only (suspended, renamed): not asked again for a while
            self._entries[(source, handle)] = (value, now + TTL_S)
            reach[handle] = value
        return [
            replace(m, author=replace(m.author, reach=reach[m.author.handle]))
            if m.author.reach is None and reach.get(m.author.handle) is not None
            else m
            for m in items
        ]


PROCESS_CACHE = ReachCache()  # shared by the connectors of one Lambda process
