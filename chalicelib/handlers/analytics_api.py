"""REST: analytics read from the counter cells (one Query per watch), never from mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import Blueprint, NotFoundError

from chalicelib.domain import analytics
from chalicelib.domain.models import CounterKey
from chalicelib.handlers.feed_params import moment
from chalicelib.handlers.http import int_param, invalid, query_param
from chalicelib.services import services

bp = Blueprint(__name__)

DEFAULT_SPAN = timedelta(days=7)
MAX_SPAN = {"hour": timedelta(days=31), "day": timedelta(days=400), "week": timedelta(days=400)}


def _period(interval: str = "day") -> tuple[datetime, datetime]:
    until = moment(bp, "until") or datetime.now(UTC)
    since = moment(bp, "since") or until - DEFAULT_SPAN
    if since > until:
        raise invalid("since must not be after until")
    if until - since > MAX_SPAN[interval]:
        raise invalid(f"the period may span at most {MAX_SPAN[interval].days} days by {interval}")
    return since, until


def _interval(default: str = "day") -> str:
    interval = query_param(bp, "interval") or default
    if interval not in analytics.INTERVALS:
        raise invalid("interval must be hour, day or week")
    return interval


def _watch_ids(param: str = "watch") -> list[str]:
    """The watches asked for (each must exist), or every watch."""
    raw = query_param(bp, param)
    known = {w.id for w in services().watches.list()}
    if not raw:
        return sorted(known)
    wanted = [w.strip() for w in raw.split(",") if w.strip()]
    missing = [w for w in wanted if w not in known]
    if missing:
        raise NotFoundError(f"no watch {missing[0]!r}")
    return wanted


def _counts(watch_ids: list[str], since: datetime, until: datetime) -> dict[CounterKey, int]:
    counters = services().counters
    counts: dict[CounterKey, int] = {}
    for watch_id in watch_ids:
        counts.update(counters.hourly(watch_id, since, until))
    return counts


def _days(since: datetime, until: datetime) -> tuple[str, str]:
    return f"{since:%Y%m%d}", f"{until:%Y%m%d}"


@bp.route("/analytics/volume", methods=["GET"])
def volume() -> dict[str, Any]:
    interval = _interval()
    since, until = _period(interval)
    counts = _counts(_watch_ids(), since, until)
    return {"interval": interval, "series": analytics.volume(counts, since, until, interval)}


@bp.route("/analytics/share-of-voice", methods=["GET"])
def share_of_voice() -> dict[str, Any]:
    since, until = _period()
    counters = services().counters
    totals = {w: sum(counters.hourly(w, since, until).values()) for w in _watch_ids("watches")}
    return {"items": analytics.share_of_voice(totals)}


@bp.route("/analytics/top-sources", methods=["GET"])
def top_sources() -> dict[str, Any]:
    since, until = _period()
    return {"items": analytics.top_sources(_counts(_watch_ids(), since, until))}


@bp.route("/analytics/top-authors", methods=["GET"])
def top_authors() -> dict[str, Any]:
    since, until = _period("week")
    limit = int_param(bp, "limit", 10, 1, 100)
    cells = services().cells
    found = [
        (c.cell.split("#", 2)[2], c.count, c.reach_score)
        for w in _watch_ids()
        for c in cells.cells(w, "A#", *_days(since, until))
    ]
    return {"items": analytics.top_authors(found, limit)}


@bp.route("/analytics/campaign", methods=["GET"])
def campaign() -> dict[str, Any]:
    since, until = _period()
    watch_ids = _watch_ids()
    span = until - since
    current = analytics.summary(_counts(watch_ids, since, until))
    previous = analytics.summary(_counts(watch_ids, since - span, since - timedelta(hours=1)))
    return {
        "current": {"since": since.isoformat(), "until": until.isoformat(), **current},
        "previous": {
            "since": (since - span).isoformat(),
            "until": since.isoformat(),
            **previous,
        },
        "change": analytics.change(current, previous),
    }


@bp.route("/analytics/reputation", methods=["GET"])
def reputation() -> dict[str, Any]:
    interval = _interval()
    since, until = _period(interval)
    points = analytics.volume(_counts(_watch_ids(), since, until), since, until, interval)
    return {"series": analytics.reputation(points), "formula": analytics.REPUTATION_FORMULA}


@bp.route("/analytics/response-times", methods=["GET"])
def response_times() -> dict[str, Any]:
    since, until = _period("week")
    cells = services().cells
    found: list[tuple[str, str, int, float]] = []
    for w in _watch_ids():
        found += [("W", w, c.count, c.sum_s) for c in cells.cells(w, "R#W#", *_days(since, until))]
        found += [
            ("A", c.cell.split("#", 3)[3], c.count, c.sum_s)
            for c in cells.cells(w, "R#A#", *_days(since, until))
        ]
    return analytics.response_times(found)
