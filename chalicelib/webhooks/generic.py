"""The generic signed webhook: Zapier, Make, n8n, IFTTT or a company's own systems post one
mention as JSON. The documented shape:

    {"id": "42", "text": "...", "published_at": "2026-11-21T10:00:00Z",
     "url": "https://...", "title": "...", "source": "zapier", "language": "en",
     "author": {"name": "...", "handle": "...", "url": "...", "reach": 1200},
     "engagement": {"likes": 3}}

`id` (the platform's own id, used to drop redeliveries), `text` and `published_at` are required.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from chalicelib.domain.models import Author, Mention, published_in_range
from chalicelib.errors import ValidationError

SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def parse_mention(body: bytes, integration: str) -> Mention:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ValidationError("body must be a JSON object")
    native_id = _string(data, "id", required=True, limit=200)
    text = _string(data, "text", required=True, limit=40_000)
    source = _string(data, "source") or integration
    if not SOURCE_NAME.fullmatch(source):
        raise ValidationError("source must be lowercase letters, digits, '.', '_' or '-'")
    published = _string(data, "published_at", required=True)
    try:
        published_at = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationError("published_at must be an ISO 8601 time") from error
    if published_at.tzinfo is None:
        raise ValidationError("published_at needs a time zone (e.g. Z or +01:00)")
    if not published_in_range(published_at):
        raise ValidationError("published_at must be a time before the year 9000")
    return Mention(
        source=source,
        native_id=native_id,
        url=_string(data, "url", limit=2000),
        title=_string(data, "title", limit=1000),
        text=text,
        published_at=published_at,
        author=_author(data.get("author")),
        language=_string(data, "language", limit=10) or None,
        engagement=_engagement(data.get("engagement")),
    )


def _string(data: dict[str, Any], name: str, *, required: bool = False, limit: int = 500) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise ValidationError(f"{name} is required")
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and name == "id":
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string")
    if len(value) > limit:
        raise ValidationError(f"{name} is longer than {limit} characters")
    return value


def _author(raw: Any) -> Author:
    if raw is None:
        return Author()
    if not isinstance(raw, dict):
        raise ValidationError("author must be an object")
    reach = raw.get("reach")
    if reach is not None and (not isinstance(reach, int) or isinstance(reach, bool) or reach < 0):
        raise ValidationError("author.reach must be a non-negative whole number")
    return Author(
        name=_string(raw, "name"),
        handle=_string(raw, "handle"),
        url=_string(raw, "url", limit=2000),
        reach=reach,
    )


def _engagement(raw: Any) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw.values()
    ):
        raise ValidationError("engagement must be an object of whole numbers")
    return {str(k): int(v) for k, v in raw.items()}
