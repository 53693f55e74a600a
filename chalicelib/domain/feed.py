"""The mentions feed: filters, an opaque cursor, and a newest-first merge across watches.

Time bounds become the Query's key condition (mention ids start with the published time);
source, sentiment, language and status become FilterExpressions (they still cost the read of
every item in the time range); author and text are checked here, after folding case and
accents. Selective enough to deserve a GSI later: status (a sparse index on the open
statuses), author (an index on source#handle, which erasure could use too) and rare sources.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.models import WatchMention
from chalicelib.domain.text import fold

MAX_EXAMINED = 2000  # items read per request at most; then `next` continues from there


@dataclass(frozen=True)
class FeedFilter:
    source: str | None = None
    sentiment: str | None = None
    lang: str | None = None
    status: str | None = None
    author: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None

    def id_range(self) -> tuple[str | None, str | None]:
        """Bounds on the mention id (sort key): ids start with `yyyymmddThhmmssZ`."""
        low = f"{self.since:%Y%m%dT%H%M%SZ}" if self.since else None
        high = f"{self.until:%Y%m%dT%H%M%SZ}~" if self.until else None
        return low, high

    def matches(self, item: WatchMention) -> bool:
        m = item.mention
        checks = (
            self.source is None or m.source == self.source,
            self.sentiment is None or item.sentiment == self.sentiment,
            self.lang is None or item.language == self.lang,
            self.status is None or item.status == self.status,
            self.since is None or m.published_at >= self.since,
            self.until is None or m.published_at <= self.until,
        )
        return all(checks) and self._author_matches(item) and self._text_matches(item)

    def _author_matches(self, item: WatchMention) -> bool:
        if not self.author:
            return True
        wanted = fold(self.author.strip()).lstrip("@")
        author = item.mention.author
        return wanted in (fold(author.handle).lstrip("@"), fold(author.name))

    def _text_matches(self, item: WatchMention) -> bool:
        if not self.q:
            return True
        return fold(self.q) in fold(f"{item.mention.title}\n{item.mention.text}")


@dataclass(frozen=True)
class FeedPage:
    items: list[WatchMention]
    next: str | None


def encode_cursor(positions: Mapping[str, str]) -> str:
    """Each watch's last examined mention id, as an opaque URL-safe string."""
    raw = json.dumps({"w": dict(positions)}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, str]:
    """Positions per watch; ValueError when the cursor is not one this API gave out."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise ValueError("cursor is not one this API gave out") from error
    positions = data.get("w") if isinstance(data, dict) else None
    if not isinstance(positions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in positions.items()
    ):
        raise ValueError("cursor is not one this API gave out")
    return positions


def merge_page(
    streams: Mapping[str, Iterator[WatchMention]],
    feed_filter: FeedFilter,
    limit: int,
    positions: Mapping[str, str],
    max_examined: int = MAX_EXAMINED,
) -> FeedPage:
    """Newest first across the watches' streams (each newest first), `limit` matches at most.
    The cursor holds each watch's last examined id, so the next page resumes every watch."""
    merged = heapq.merge(*streams.values(), key=lambda i: i.id, reverse=True)
    items: list[WatchMention] = []
    moved = dict(positions)
    more = False
    for examined, item in enumerate(merged, start=1):
        if feed_filter.matches(item):
            if len(items) == limit:
                more = True
                break
            items.append(item)
        moved[item.watch_id] = item.id
        if examined >= max_examined:
            more = True
            break
    return FeedPage(items, encode_cursor(moved) if more else None)
