"""REST: a live preview of a watch's query: how many of the last N stored mentions it matches.
The saved query (`GET /watches/{id}/preview`) or an unsaved one (`POST /watches/preview`),
run with the same code as `POST /query/test`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice.app import Blueprint, NotFoundError

from chalicelib.domain.feed import FeedFilter
from chalicelib.handlers.http import body_json, int_param, invalid
from chalicelib.handlers.mentions_api import read_feed
from chalicelib.services import services

bp = Blueprint(__name__)

MAX_LAST = 200
DEFAULT_LAST = 50


def preview(query: str, watch_ids: list[str], last: int) -> dict[str, Any]:
    """Run the query on the last `last` mentions stored for these watches, newest first."""
    from chalicelib.domain.query import Document, QueryError
    from chalicelib.domain.query.trial import QueryTrial

    try:
        trial = QueryTrial(query)
    except QueryError as error:
        raise invalid(f"query: {error}") from error
    items = read_feed(watch_ids, FeedFilter(), last, {}).items
    matched = [i for i in items if trial.verdict(Document.of(i.mention, i.language)).match]
    return {
        "query": trial.canonical,
        "last": last,
        "examined": len(items),
        "matched": len(matched),
        "matched_ids": [{"watch_id": i.watch_id, "id": i.id} for i in matched],
    }


@bp.route("/watches/{watch_id}/preview", methods=["GET"])
def preview_saved(watch_id: str) -> dict[str, Any]:
    watch = services().watches.get(watch_id)
    if watch is None:
        raise NotFoundError(f"no watch {watch_id!r}")
    return preview(watch.query, [watch_id], int_param(bp, "last", DEFAULT_LAST, 1, MAX_LAST))


@bp.route("/watches/preview", methods=["POST"])
def preview_unsaved() -> dict[str, Any]:
    body = body_json(bp)
    if not isinstance(body, Mapping):
        raise invalid("the body must be a JSON object")
    unknown = sorted(set(body) - {"query", "watch_id", "last"})
    if unknown:
        raise invalid(f"unknown fields: {', '.join(unknown)}")
    query, watch_id, last = body.get("query"), body.get("watch_id"), body.get("last", DEFAULT_LAST)
    if not isinstance(query, str) or not query.strip():
        raise invalid('query is required, e.g. Acme OR "Acme Cloud"')
    if not isinstance(last, int) or isinstance(last, bool) or not 1 <= last <= MAX_LAST:
        raise invalid(f"last must be a whole number from 1 to {MAX_LAST}")
    known = sorted(w.id for w in services().watches.list())
    if watch_id is not None:
        if watch_id not in known:
            raise NotFoundError(f"no watch {watch_id!r}")
        known = [str(watch_id)]
    return preview(query, known, last)
