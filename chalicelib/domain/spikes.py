"""Spikes: is the volume (or the negative share) of the last window unusual for this watch?

The baseline is seasonal and robust. For a window of W hours ending in the current hour it
takes the same W hours one, two, ... N weeks ago (same hour of day, same day of week) and the
last R windows before it, and expects the larger of the two medians: a Monday-morning newsletter
that lands every week is not a spike, nor is a level that has been high all day. The spread is
the median absolute deviation, floored by Poisson noise (sqrt of the expected count), and a
spike also needs a minimum volume: 3 mentions after a silent month is not news, 200 is.

Pure: counters in, findings out. The schedule reads the counters and the window's mentions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Protocol

from chalicelib.domain.alerts.settings import SpikeSettings
from chalicelib.domain.models import CounterKey, WatchMention

HOUR = timedelta(hours=1)
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its standard deviation


@dataclass(frozen=True)
class Thresholds:
    """How unusual a window must be; built from a watch's `alerts.spike` settings."""

    window_hours: int = 1
    weeks: int = 4  # seasonal history: the same hours 1..weeks weeks ago
    recent_windows: int = 24  # plus this many windows just before the current one
    min_volume: int = 10  # never a spike below this many mentions in the window
    ratio: float = 3.0  # and at least this many times the expected volume
    sigmas: float = 4.0  # and this many standard deviations above it
    min_share: float = 0.5  # a negative-share spike: at least this share negative
    share_jump: float = 0.25  # and this far above the baseline share
    min_negative: int = 10  # and this many negative mentions
    cooldown: timedelta = timedelta(hours=2)  # one spike alert per kind per watch in this time

    @classmethod
    def of(cls, spike: SpikeSettings) -> Thresholds:
        """Counters are hourly: a window is a whole number of hours (at least one)."""
        return cls(
            window_hours=max(1, round(spike.window_minutes / 60)),
            min_volume=spike.min_volume,
            ratio=spike.factor,
            min_share=spike.negative_share,
            min_negative=max(1, spike.min_volume // 2),
            cooldown=timedelta(minutes=spike.cooldown_minutes),
        )


@dataclass(frozen=True)
class Spike:
    """A finding: what was seen in the window against what was expected."""

    watch_id: str
    kind: str  # "volume" or "negative_share"
    window_start: datetime
    window_end: datetime
    observed: float  # mentions, or the negative share (0..1)
    expected: float
    threshold: float
    volume: int
    negative: int

    @property
    def factor(self) -> float:
        return self.observed / self.expected if self.expected > 0 else math.inf


@dataclass(frozen=True)
class Explanation:
    """Why the window is busy: what it talks about, where, who, and a few examples."""

    top_terms: tuple[tuple[str, int], ...]
    top_sources: tuple[tuple[str, int], ...]
    top_authors: tuple[tuple[str, int], ...]
    samples: tuple[WatchMention, ...]


class Cooldowns(Protocol):
    """Once-only markers: `acquire` is one conditional write, so of concurrent runs only one
    alerts (or sends a digest) for a scope until the marker expires."""

    def acquire(self, scope: str, now: datetime, until: datetime) -> bool: ...
    def release(self, scope: str) -> None: ...


def cooldown_scope(spike: Spike) -> str:
    return f"cooldown#spike#{spike.watch_id}#{spike.kind}"


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def window_bounds(now: datetime, window_hours: int) -> tuple[datetime, datetime]:
    """The window's first hour and its end (exclusive): the current hour and those before it."""
    end = floor_hour(now) + HOUR
    return end - window_hours * HOUR, end


def history_start(now: datetime, settings: Thresholds) -> datetime:
    """The earliest hour the baseline reads: what the schedule asks the counters for."""
    start, _ = window_bounds(now, settings.window_hours)
    seasonal = start - timedelta(weeks=settings.weeks)
    recent = start - settings.recent_windows * settings.window_hours * HOUR
    return min(seasonal, recent)


def _per_hour(counts: Mapping[CounterKey, int]) -> tuple[Counter[datetime], Counter[datetime]]:
    total: Counter[datetime] = Counter()
    negative: Counter[datetime] = Counter()
    for key, n in counts.items():
        hour = floor_hour(key.hour)
        total[hour] += n
        if key.sentiment == "negative":
            negative[hour] += n
    return total, negative


def _window_sum(per_hour: Counter[datetime], start: datetime, hours: int) -> int:
    return sum(per_hour[start + i * HOUR] for i in range(hours))


def _robust(samples: Sequence[int]) -> tuple[float, float]:
    """Median and MAD-based sigma; (0, 0) for no samples."""
    if not samples:
        return 0.0, 0.0
    mid = float(median(samples))
    mad = float(median(abs(s - mid) for s in samples))
    return mid, mad * MAD_TO_SIGMA


def detect(
    watch_id: str,
    counts: Mapping[CounterKey, int],
    now: datetime,
    settings: Thresholds,
) -> list[Spike]:
    """The spikes of the window ending in `now`'s hour (none, one, or both kinds)."""
    w = settings.window_hours
    start, end = window_bounds(now, w)
    total, negative = _per_hour(counts)
    volume = _window_sum(total, start, w)
    neg = _window_sum(negative, start, w)
    seasonal_starts = [start - timedelta(weeks=k) for k in range(1, settings.weeks + 1)]
    recent_starts = [start - k * w * HOUR for k in range(1, settings.recent_windows + 1)]
    seasonal = [_window_sum(total, s, w) for s in seasonal_starts]
    recent = [_window_sum(total, s, w) for s in recent_starts]
    (s_mid, s_sigma), (r_mid, r_sigma) = _robust(seasonal), _robust(recent)
    expected, sigma = (s_mid, s_sigma) if s_mid >= r_mid else (r_mid, r_sigma)
    sigma = max(sigma, math.sqrt(max(expected, 1.0)))
    threshold = max(
        float(settings.min_volume), settings.ratio * expected, expected + settings.sigmas * sigma
    )
    found: list[Spike] = []
    if volume >= threshold:
        found.append(
            Spike(watch_id, "volume", start, end, float(volume), expected, threshold, volume, neg)
        )
    if volume > 0:
        base_total = sum(seasonal) + sum(recent)
        base_negative = sum(_window_sum(negative, s, w) for s in seasonal_starts + recent_starts)
        share = neg / volume
        # A quiet or spotless history still has some negativity: floor the baseline share so
        # one grumpy post in an empty week does not make every later window look calm.
        base_share = max(base_negative / base_total if base_total else 0.0, 0.05)
        noise = math.sqrt(base_share * (1 - base_share) / volume)
        share_threshold = min(
            1.0,
            max(settings.min_share, base_share + settings.share_jump, base_share + 4 * noise),
        )
        if neg >= settings.min_negative and share >= share_threshold:
            found.append(
                Spike(
                    watch_id,
                    "negative_share",
                    start,
                    end,
                    share,
                    base_share,
                    share_threshold,
                    volume,
                    neg,
                )
            )
    return found


def _author(item: WatchMention) -> str:
    author = item.mention.author
    return author.handle or author.name


def _engagement(item: WatchMention) -> float:
    return (item.reach_score or 0.0) + math.log1p(sum(item.mention.engagement.values()))


def explain(
    spike: Spike, mentions: Iterable[WatchMention], top: int = 5, samples: int = 3
) -> Explanation:
    """Summarise the window's mentions; for a negative-share spike, the samples are negative."""
    inside = [
        m for m in mentions if spike.window_start <= m.mention.published_at < spike.window_end
    ]
    terms: Counter[str] = Counter(t.lower() for m in inside for t in set(m.matched_terms))
    sources: Counter[str] = Counter(m.mention.source for m in inside)
    authors: Counter[str] = Counter(a for a in map(_author, inside) if a)
    pool = [m for m in inside if m.sentiment == "negative"] if spike.kind != "volume" else inside
    seen: set[str] = set()
    picked: list[WatchMention] = []
    for m in sorted(pool, key=_engagement, reverse=True):
        story = (m.mention.title or m.mention.text)[:80].lower()
        if story in seen:  # one sample per story, not per copy
            continue
        seen.add(story)
        picked.append(m)
        if len(picked) == samples:
            break
    return Explanation(
        top_terms=tuple(terms.most_common(top)),
        top_sources=tuple(sources.most_common(top)),
        top_authors=tuple(authors.most_common(top)),
        samples=tuple(picked),
    )
