"""Analytics maths over counter cells, never over raw mentions: volume and sentiment per hour,
day or week, share of voice, top sources and authors, a campaign against the period before,
a reputation index, and time to first response."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.models import SENTIMENTS, CounterKey

INTERVALS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
# Reputation: net sentiment shrunk towards neutral by a prior of PRIOR mentions, so a period
# with two posts cannot swing the index to 0 or 100 the way a period with two hundred can.
PRIOR = 10
REPUTATION_FORMULA = (
    "index = 50 + 50 * (positive - negative) / (positive + neutral + negative + 10), "
    "per interval; 0 = all negative, 50 = neutral or quiet, 100 = all positive; "
    "unscored mentions are left out"
)


def bucket_start(moment: datetime, interval: str) -> datetime:
    """The start of the hour, the UTC day, or the ISO week (Monday) the moment falls in."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if interval == "hour":
        return hour
    day = hour.replace(hour=0)
    return day if interval == "day" else day - timedelta(days=day.weekday())


def buckets(since: datetime, until: datetime, interval: str) -> list[datetime]:
    out, at = [], bucket_start(since, interval)
    while at <= until:
        out.append(at)
        at += INTERVALS[interval]
    return out


def _empty() -> dict[str, int]:
    return {"total": 0, **dict.fromkeys(SENTIMENTS, 0)}


def volume(
    counts: Mapping[CounterKey, int], since: datetime, until: datetime, interval: str
) -> list[dict[str, Any]]:
    """One point per interval, empty ones included, so a chart shows the quiet too."""
    series = {at: _empty() for at in buckets(since, until, interval)}
    for key, n in counts.items():
        point = series.get(bucket_start(key.hour, interval))
        if point is not None:
            point["total"] += n
            point[key.sentiment if key.sentiment in SENTIMENTS else "unscored"] += n
    return [{"t": at.isoformat(), **point} for at, point in series.items()]


def reputation(points: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    series = []
    for point in points:
        positive, neutral, negative = point["positive"], point["neutral"], point["negative"]
        index = 50 + 50 * (positive - negative) / (positive + neutral + negative + PRIOR)
        series.append(
            {"t": point["t"], "index": round(index, 1), "scored": positive + neutral + negative}
        )
    return series


def share_of_voice(totals: Mapping[str, int]) -> list[dict[str, Any]]:
    whole = sum(totals.values())
    return [
        {"watch_id": w, "count": n, "share": round(n / whole, 4) if whole else 0.0}
        for w, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def top_sources(counts: Mapping[CounterKey, int]) -> list[dict[str, Any]]:
    by_source: Counter[str] = Counter()
    for key, n in counts.items():
        by_source[key.source] += n
    return [
        {"source": s, "count": n}
        for s, n in sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def summary(counts: Mapping[CounterKey, int]) -> dict[str, Any]:
    """Totals of a period: mentions, each sentiment, each source, and its reputation index."""
    point = _empty()
    for key, n in counts.items():
        point["total"] += n
        point[key.sentiment if key.sentiment in SENTIMENTS else "unscored"] += n
    index = reputation([{"t": "", **point}])[0]["index"]
    return {
        **point,
        "reputation": index,
        "sources": {i["source"]: i["count"] for i in top_sources(counts)},
    }


def change(current: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """For each number: the difference, and the relative change (None from zero)."""
    out: dict[str, Any] = {}
    for name in ("total", *SENTIMENTS, "reputation"):
        now, before = current[name], previous[name]
        out[name] = {
            "delta": round(now - before, 1),
            "ratio": round((now - before) / before, 4) if before else None,
        }
    return out


def top_authors(cells: Iterable[tuple[str, int, float | None]], limit: int) -> list[dict[str, Any]]:
    """Cells `(source#author, count, reach)` summed per author, by reach then count."""
    count: Counter[str] = Counter()
    reach: dict[str, float | None] = {}
    for key, n, score in cells:
        count[key] += n
        if score is not None:
            reach[key] = max(score, reach.get(key) or 0.0)
    ranked = sorted(count, key=lambda k: (-(reach.get(k) or 0.0), -count[k], k))
    items: list[dict[str, Any]] = []
    for key in ranked[:limit]:
        source, _, author = key.partition("#")
        items.append(
            {"author": author, "source": source, "reach_score": reach.get(key), "count": count[key]}
        )
    return items


def response_times(cells: Iterable[tuple[str, str, int, float]]) -> dict[str, list[dict[str, Any]]]:
    """Cells `(kind, who, count, seconds)`, kind "W" per watch or "A" per assignee, to mean
    response times. A median would need the single response times (or a histogram of them),
    which counters do not keep."""
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for kind, who, n, seconds in cells:
        sums[(kind, who)][0] += n
        sums[(kind, who)][1] += seconds

    def rows(kind: str, label: str) -> list[dict[str, Any]]:
        return [
            {label: who, "count": int(n), "mean_s": round(s / n, 1) if n else None}
            for (k, who), (n, s) in sorted(sums.items())
            if k == kind
        ]

    return {"watches": rows("W", "watch_id"), "assignees": rows("A", "assignee")}
