"""A digest: what a watch heard over a day or a week, computed from the hourly counters (volume,
sentiment, sources, share of voice) and a bounded read of the feed (top stories and authors).

Pure: the schedule and the CLI read the data, this module summarises it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.domain.models import SENTIMENTS, CounterKey, WatchMention

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(weeks=1)}


@dataclass(frozen=True)
class Story:
    """One story however many copies of it were found: the best-placed copy, and the count."""

    item: WatchMention
    copies: int


@dataclass(frozen=True)
class Digest:
    watch_id: str
    watch_name: str
    period: str  # daily or weekly
    start: datetime
    end: datetime
    volume: int
    previous_volume: int  # the period before, for the trend
    sentiment: tuple[tuple[str, int], ...]  # in SENTIMENTS order
    sources: tuple[tuple[str, int], ...]  # busiest first
    stories: tuple[Story, ...]
    authors: tuple[tuple[str, int], ...]
    share_of_voice: tuple[tuple[str, int], ...]  # (watch name, volume) of the company's watches

    @property
    def change(self) -> float | None:
        """Relative change from the previous period; None when it had nothing."""
        return (
            (self.volume - self.previous_volume) / self.previous_volume
            if self.previous_volume
            else None
        )


def period_bounds(period: str, now: datetime) -> tuple[datetime, datetime]:
    """The last whole period before today (UTC): yesterday, or the seven days to last midnight."""
    if period not in PERIODS:
        raise ValueError(f"unknown digest period {period!r}: daily or weekly")
    end = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return end - PERIODS[period], end


def _in(key: CounterKey, start: datetime, end: datetime) -> bool:
    return start <= key.hour < end


def volume(counts: Mapping[CounterKey, int], start: datetime, end: datetime) -> int:
    return sum(n for k, n in counts.items() if _in(k, start, end))


def _story_key(item: WatchMention) -> str:
    return " ".join((item.mention.title or item.mention.text).lower().split())[:80]


def _weight(item: WatchMention) -> float:
    return (item.reach_score or 0.0) + math.log1p(sum(item.mention.engagement.values()))


def build(
    *,
    watch_id: str,
    watch_name: str,
    period: str,
    now: datetime,
    counts: Mapping[CounterKey, int],
    mentions: Iterable[WatchMention],
    company: Mapping[str, int],
    top: int = 5,
) -> Digest:
    """`counts` cover this period and the one before; `company` maps each of the company's
    watches (by name) to its volume in the period."""
    start, end = period_bounds(period, now)
    before = start - (end - start)
    sentiment: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for key, n in counts.items():
        if _in(key, start, end):
            sentiment[key.sentiment] += n
            sources[key.source] += n
    by_story: dict[str, list[WatchMention]] = {}
    authors: Counter[str] = Counter()
    for item in mentions:
        if start <= item.mention.published_at < end:
            by_story.setdefault(_story_key(item), []).append(item)
            author = item.mention.author
            if author.name or author.handle:
                authors[author.name or author.handle] += 1
    stories = sorted(
        (Story(max(copies, key=_weight), len(copies)) for copies in by_story.values()),
        key=lambda s: (s.copies, _weight(s.item)),
        reverse=True,
    )
    return Digest(
        watch_id=watch_id,
        watch_name=watch_name,
        period=period,
        start=start,
        end=end,
        volume=volume(counts, start, end),
        previous_volume=volume(counts, before, start),
        sentiment=tuple((s, sentiment[s]) for s in SENTIMENTS),
        sources=tuple(sources.most_common(top)),
        stories=tuple(stories[:top]),
        authors=tuple(authors.most_common(top)),
        share_of_voice=tuple(sorted(company.items(), key=lambda kv: kv[1], reverse=True)),
    )
