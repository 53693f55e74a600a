"""A process's memory of each watch's recent stories, so a delivery reads only the story items
written since this process last looked, not the watch's whole 48-hour window.

A Lambda's warm container (and each soak worker) keeps it between deliveries. It knows nothing of
DynamoDB: it asks a `fetch(watch_id, from_batch)` for the items whose sort key (which starts
with the founding batch's moment) is at or after `from_batch`, so tests drive it with a dict.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.domain.stories import STORY_WINDOW, StoryEntry

# A batch's sort key starts with the moment its delivery took just before writing it
# (pipeline._record_stories), and the writer dates the item again if the write took longer than
# WRITE_BOUND to land (DynamoStoryRepository.record). So an item a concurrent delivery wrote after
# our last look is dated no earlier than WRITE_BOUND before that look, and re-reading from
# REFRESH_MARGIN before it finds it; the rest of the margin covers the sort key's whole seconds,
# the second or so an eventually consistent read may lag a write, and clocks a little apart.
# (A delivery's start is no bound: it may run for the function's whole timeout, up to 15 minutes,
# and re-reading 15 minutes of a busy watch's stories on every delivery is what this avoids.)
WRITE_BOUND = timedelta(seconds=20)
REFRESH_MARGIN = WRITE_BOUND + timedelta(seconds=40)
# Watches whose stories one process keeps: a process serves a few busy watches; the rest are
# read again in full when they come back.
MAX_WATCHES = 64

# (watch_id, from_batch) -> [(batch sort key, encoded entries)]
Fetch = Callable[[str, str], Iterable[tuple[str, list[str]]]]


def moment(at: datetime) -> str:
    """The sort key's leading moment: sorts as text in time order."""
    return f"{at:%Y%m%dT%H%M%SZ}"


@dataclass
class _Window:
    looked_at: datetime  # the caller's clock when this process last read the watch's items
    covers_from: datetime  # items dated from here on are all known (as of looked_at - margin)
    items: dict[str, list[StoryEntry]] = field(default_factory=dict)  # batch key -> entries
    flat: list[StoryEntry] | None = None  # the items' entries in batch order, until one changes


class StoryCache:
    """Each watch's recent story entries, refreshed incrementally and bounded in watches."""

    def __init__(self, fetch: Fetch, max_watches: int = MAX_WATCHES) -> None:
        self._fetch = fetch
        self._max_watches = max_watches
        self._windows: OrderedDict[str, _Window] = OrderedDict()

    def recent(self, watch_id: str, now: datetime) -> list[StoryEntry]:
        """The watch's stories founded within STORY_WINDOW of `now`, oldest first: a fresh list
        the caller may extend."""
        since = now - STORY_WINDOW
        window = self._windows.get(watch_id)
        if window is None or since < window.covers_from:
            # Unknown, or asked about older stories than those kept: read the whole window.
            window = _Window(looked_at=now, covers_from=since)
            start = since
        else:
            start = max(since, min(now, window.looked_at) - REFRESH_MARGIN)
            window.looked_at = max(now, window.looked_at)
        for batch, encoded in self._fetch(watch_id, moment(start)):
            if batch not in window.items:  # known items are not decoded again
                window.items[batch] = [StoryEntry.decode(e) for e in encoded]
                window.flat = None
        self._keep(watch_id, window, since)
        if window.flat is None:
            window.flat = [entry for key in sorted(window.items) for entry in window.items[key]]
        return list(window.flat)

    def remember(self, watch_id: str, batch: str, entries: list[StoryEntry]) -> None:
        """Stories this process just stored: known without reading them back."""
        window = self._windows.get(watch_id)
        if window is not None:
            window.items[batch] = list(entries)
            window.flat = None

    def clear(self) -> None:
        self._windows.clear()

    def _keep(self, watch_id: str, window: _Window, since: datetime) -> None:
        oldest = moment(since)
        for batch in [b for b in window.items if b < oldest]:
            del window.items[batch]
            window.flat = None
        window.covers_from = max(window.covers_from, since)
        self._windows[watch_id] = window
        self._windows.move_to_end(watch_id)
        while len(self._windows) > self._max_watches:
            self._windows.popitem(last=False)
