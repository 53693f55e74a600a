"""What backfill needs to know of each connector's cursor: where a new watch starts when it
looks further back, and whether a run still has pages to go."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

DEFAULT_DAYS = 30
# Cursors that record an unfinished run (a page token, a next page, an HN gap): backfill steps
# one page at a time and resumes. The others page back from a start in one step of N pages.
STEPWISE = frozenset({"hackernews", "youtube", "x", "appstore"})
# Sources with no start to give: a feed holds what it holds; the App Store pages its ~500.
NO_START = frozenset({"rss", "appstore"})


def seed_cursor(kind: str, now: datetime, days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """The cursor a new watch starts from to read `days` back (the platform may allow less:
    X searches 7 days, the App Store serves ~500 reviews, a feed holds what it holds)."""
    since = now - timedelta(days=days)
    iso = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "hackernews":  # walks back with created_at_i<, filling the gap page by page
        return {"created_at_i": int(since.timestamp())}
    if kind == "youtube":
        return {"since": iso}
    if kind == "x":
        return {"start_time": iso}
    if kind in ("reddit", "bluesky", "stackexchange"):  # newest first, paged back to `since`
        return {"since": iso, "seen": []}
    if kind == "github":  # one time cursor per search
        return {"issues": {"since": iso, "seen": []}, "discussions": {"since": iso, "seen": []}}
    if kind == "mastodon":  # timelines page forward from a status id; ids encode their time
        return {"start_id": mastodon_id_at(since)}
    return {}


def mastodon_id_at(when: datetime) -> str:
    """The smallest Mastodon (snowflake) status id created at `when`: milliseconds << 16."""
    return str(int(when.timestamp() * 1000) << 16)


def pages_per_step(kind: str, pages: int) -> int:
    """Pages a backfill step may fetch: one for a resumable run, else all of them at once."""
    return 1 if kind in STEPWISE else max(1, pages)


def pending(cursor: Mapping[str, Any]) -> bool:
    """True while an unfinished run is recorded: a page token, a next page or an HN gap."""
    if cursor.get("paused_until"):  # rate limited: what is left waits for the polls
        return False
    if any(cursor.get(key) for key in ("page_token", "next_token", "page")):
        return True
    gaps = cursor.get("gaps")
    return isinstance(gaps, Mapping) and any(gaps.values())
