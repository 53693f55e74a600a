"""The time cursor shared by search APIs that filter by date: the newest time returned, and the
ids returned at exactly that time (a search "since T" is inclusive, so those come back again).

Cursor: ``{"since": <ISO time> | None, "seen": [ids published at `since`]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Mention


def since_of(cursor: Mapping[str, Any]) -> datetime | None:
    value = cursor.get("since")
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def newer(mentions: Iterable[Mention], cursor: Mapping[str, Any]) -> list[Mention]:
    """Mentions after the cursor, each once, newest first."""
    since = since_of(cursor)
    seen = {str(i) for i in cursor.get("seen") or ()}
    unique = {m.native_id: m for m in mentions}
    fresh = [
        m
        for m in unique.values()
        if since is None
        or m.published_at > since
        or (m.published_at == since and m.native_id not in seen)
    ]
    return sorted(fresh, key=lambda m: (m.published_at, m.native_id), reverse=True)


def advanced(cursor: Mapping[str, Any], mentions: Iterable[Mention]) -> dict[str, Any]:
    """The cursor moved past `mentions` (other keys of the cursor are kept)."""
    since = since_of(cursor)
    seen = {str(i) for i in cursor.get("seen") or ()}
    for mention in mentions:
        if since is None or mention.published_at > since:
            since, seen = mention.published_at, {mention.native_id}
        elif mention.published_at == since:
            seen.add(mention.native_id)
    return {
        **cursor,
        "since": since.astimezone(UTC).isoformat() if since else None,
        "seen": sorted(seen),
    }
