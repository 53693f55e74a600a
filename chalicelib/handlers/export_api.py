"""REST: export any feed filter as CSV or JSON lines, read in pages of 100. A Lambda answer is
one body (API Gateway caps it near 6 MB), so an export stops at MAX_ROWS and says where to
resume in the `X-Tidings-Next` header (pass it back as `cursor`)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.handlers.analytics_api import _watch_ids
from chalicelib.handlers.feed_params import feed_filter, positions
from chalicelib.handlers.http import invalid, query_param
from chalicelib.handlers.mentions_api import read_feed

bp = Blueprint(__name__)

MAX_ROWS = 5000
COLUMNS = (
    "id", "watch_id", "published_at", "source", "url", "author_name", "author_handle",
    "title", "text", "language", "sentiment", "reach_score", "status", "assignee",
)  # fmt: skip


def _row(item: dict[str, Any]) -> dict[str, Any]:
    author = item.get("author") or {}
    return {
        **{c: item.get(c) for c in COLUMNS},
        "author_name": author.get("name"),
        "author_handle": author.get("handle"),
    }


@bp.route("/export", methods=["GET"])
def export() -> Response:
    kind = query_param(bp, "format") or "csv"
    if kind not in ("csv", "json"):
        raise invalid("format must be csv or json")
    watch_ids = _watch_ids()
    wanted = feed_filter(bp)
    at = positions(bp, watch_ids)
    rows: list[dict[str, Any]] = []
    next_cursor: str | None = None
    while len(rows) < MAX_ROWS:
        page = read_feed(watch_ids, wanted, min(100, MAX_ROWS - len(rows)), at)
        rows += [watch_mention_to_dict(i) for i in page.items]
        next_cursor = page.next
        if next_cursor is None:
            break
        at = positions_of(next_cursor)
    out = io.StringIO()
    if kind == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(_row(r) for r in rows)
        content_type = "text/csv; charset=utf-8"
    else:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        content_type = "application/x-ndjson"
    headers: dict[str, str | list[str]] = {
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="tidings-mentions.{kind}"',
    }
    if next_cursor:
        headers["X-Tidings-Next"] = next_cursor
    return Response(body=out.getvalue(), status_code=200, headers=headers)


def positions_of(cursor: str) -> dict[str, str]:
    from chalicelib.domain.feed import decode_cursor

    return decode_cursor(cursor)
