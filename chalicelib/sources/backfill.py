"""What backfill needs to know of each connector's cursor: where a new watch starts when it
looks further back, and whether a run still has pages to go."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

DEFAULT_DAYS = 30


def seed_cursor(kind: str, now: datetime, days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """The cursor a new watch starts from to read `days` back (the platform may allow less:
    X searches 7 days, the App Store serves ~500 reviews, a feed holds what it holds)."""
    since = now - timedelta(days=days)
    if kind == "hackernews":  # walks back with created_at_i<, filling the gap page by page
        return {"created_at_i": int(since.timestamp())}
    if kind == "youtube":
        return {"since": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if kind == "x":
        return {"start_time": since.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return {}


def pending(cursor: Mapping[str, Any]) -> bool:
    """True while an unfinished run is recorded: a page token, a next page or an HN gap."""
    if cursor.get("paused_until"):  # rate limited: what is left waits for the polls
        return False
    if any(cursor.get(key) for key in ("page_token", "next_token", "page")):
        return True
    gaps = cursor.get("gaps")
    return isinstance(gaps, Mapping) and any(gaps.values())
