"""The feed's query parameters, shared by the mentions routes and the export: parsed once,
refused with a 400 that says which parameter is wrong."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalice.app import Blueprint

from chalicelib.domain.feed import FeedFilter, decode_cursor
from chalicelib.domain.models import SENTIMENTS, TRIAGE_STATUSES
from chalicelib.handlers.http import invalid, query_param

MENTION_ID = re.compile(r"^\d{8}T\d{6}Z\.[a-z2-7]{20}$")
FILTERS = ("source", "sentiment", "lang", "status", "author", "since", "until", "q")


def moment(bp: Blueprint, name: str) -> datetime | None:
    raw = query_param(bp, name)
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError as error:
        raise invalid(f"{name} must be an ISO 8601 time, e.g. 2026-11-21T10:00:00Z") from error
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def feed_filter(bp: Blueprint) -> FeedFilter:
    def text(name: str) -> str | None:
        value = query_param(bp, name)
        return value.strip() if value and value.strip() else None

    sentiment, status = text("sentiment"), text("status")
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise invalid(f"sentiment must be one of {', '.join(SENTIMENTS)}")
    if status is not None and status not in TRIAGE_STATUSES:
        raise invalid(f"status must be one of {', '.join(TRIAGE_STATUSES)}")
    since, until = moment(bp, "since"), moment(bp, "until")
    if since and until and since > until:
        raise invalid("since must not be after until")
    return FeedFilter(
        source=text("source"),
        sentiment=sentiment,
        lang=text("lang"),
        status=status,
        author=text("author"),
        since=since,
        until=until,
        q=text("q"),
    )


def positions(bp: Blueprint, watch_ids: list[str]) -> dict[str, str]:
    """Where each watch's feed resumes: from `cursor` (opaque; a bare mention id is accepted
    for one watch, as earlier versions gave out)."""
    raw = query_param(bp, "cursor")
    if raw is None:
        return {}
    if len(watch_ids) == 1 and MENTION_ID.fullmatch(raw):
        return {watch_ids[0]: raw}
    try:
        found = decode_cursor(raw)
    except ValueError as error:
        raise invalid(str(error)) from error
    if not all(MENTION_ID.fullmatch(v) for v in found.values()):
        raise invalid("cursor is not one this API gave out")
    # A watch deleted between two pages simply drops out.
    return {w: v for w, v in found.items() if w in watch_ids}
