"""Small readers for platform JSON shared by the YouTube, X and App Store connectors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utc_time(value: Any) -> datetime | None:
    """An ISO 8601 / RFC 3339 time (with `Z` or an offset) in UTC; None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def count(value: Any) -> int | None:
    """A non-negative count that platforms send as a number or a numeric string."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def counts(pairs: dict[str, Any]) -> dict[str, int]:
    """Engagement figures that are present, under Tidings' names."""
    return {name: n for name, value in pairs.items() if (n := count(value)) is not None}
