"""Small readers for platform JSON shared by the connectors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Mention
from chalicelib.errors import SourceError
from chalicelib.observability import logger

# What a converter raises on malformed platform JSON: a value of another type, a missing key,
# a number or a time out of range. Found by the fuzz tests (tests/fuzz).
MALFORMED = (AttributeError, KeyError, IndexError, TypeError, ValueError, OverflowError)


def utc_time(value: Any) -> datetime | None:
    """An ISO 8601 / RFC 3339 time (with `Z` or an offset) in UTC; None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 shifted out of range
        return None


def count(value: Any) -> int | None:
    """A non-negative count that platforms send as a number or a numeric string."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        return None
    return number if number >= 0 else None


def counts(pairs: dict[str, Any]) -> dict[str, int]:
    """Engagement figures that are present, under Tidings' names."""
    return {name: n for name, value in pairs.items() if (n := count(value)) is not None}


def listed(source: str, value: Any, what: str) -> list[Any]:
    """A list the response must hold (absent is empty); anything else is a SourceError."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(source, f"response's {what} is not a list", transient=False)
    return value


def convert_each(
    source: str, items: Iterable[Any], convert: Callable[[Any], Mention | None]
) -> list[Mention]:
    """Each item as a mention. A malformed item is skipped and logged rather than failing the
    page: a page that always fails would stall the source's cursor on it for good."""
    mentions: list[Mention] = []
    skipped = 0
    for item in items:
        try:
            mention = convert(item)
        except MALFORMED:
            skipped += 1
            continue
        if mention is not None:
            mentions.append(mention)
    if skipped:
        logger.warning("malformed items skipped", source=source, count=skipped)
    return mentions
