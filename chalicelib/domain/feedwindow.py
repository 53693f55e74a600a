"""The mentions of a time window, read from a watch's feed (newest first) with a bound.

The feed's sort key starts with the publication time, so reading stops at the first mention
older than the window: a Query or two, never a Scan, and never more than `limit` items.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.models import WatchMention
from chalicelib.domain.ports import MentionRepository

PAGE = 100


def mentions_between(
    mentions: MentionRepository, watch_id: str, start: datetime, end: datetime, limit: int = 500
) -> list[WatchMention]:
    found: list[WatchMention] = []
    after: str | None = None
    read = 0
    while read < limit:
        page, after = mentions.feed(watch_id, min(PAGE, limit - read), after)
        read += len(page)
        for item in page:
            published = item.mention.published_at
            if published < start:
                return found
            if published < end:
                found.append(item)
        if not after or not page:
            break
    return found
