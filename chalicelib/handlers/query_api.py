"""REST: try a query before saving it, on given texts or on a watch's last stored mentions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice.app import Blueprint, NotFoundError

from chalicelib.handlers.http import body_json, invalid
from chalicelib.services import services

bp = Blueprint(__name__)

MAX_ITEMS = 200
DEFAULT_LAST = 20
_FIELDS = {"query", "texts", "watch_id", "last"}


@bp.route("/query/test", methods=["POST"])
def test_query() -> dict[str, Any]:
    from chalicelib.domain.query import QueryError
    from chalicelib.domain.query.trial import QueryTrial

    body = body_json(bp)
    if not isinstance(body, Mapping):
        raise invalid("the body must be a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise invalid(f"unknown fields: {', '.join(unknown)}")
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise invalid('query is required: the query to try, e.g. Acme OR "Acme Cloud"')
    try:
        trial = QueryTrial(query)
    except QueryError as error:
        raise invalid(f"query: {error}") from error
    if ("texts" in body) == ("watch_id" in body):
        raise invalid('give either "texts" (a list of {"text": ...}) or "watch_id" (and "last")')
    items = _texts(body["texts"]) if "texts" in body else _stored(body)
    results = [{**echo, **trial.report(doc)} for echo, doc in items]
    return {
        "query": trial.canonical,
        "matched": sum(1 for r in results if r["match"]),
        "items": results,
    }


def _texts(raw: Any) -> list[tuple[dict[str, Any], Any]]:
    from chalicelib.domain.query.trial import document_from_item

    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ITEMS:
        raise invalid(f'texts must be a list of 1 to {MAX_ITEMS} {{"text": ...}} objects')
    items = []
    for i, item in enumerate(raw):
        try:
            doc = document_from_item(item)
        except ValueError as error:
            raise invalid(f"texts[{i}]: {error}") from error
        items.append(({"text": doc.text}, doc))
    return items


def _stored(body: Mapping[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    from chalicelib.domain.query import Document

    watch_id, last = body.get("watch_id"), body.get("last", DEFAULT_LAST)
    if not isinstance(watch_id, str) or not watch_id:
        raise invalid("watch_id must be a watch's id")
    if not isinstance(last, int) or isinstance(last, bool) or not 1 <= last <= MAX_ITEMS:
        raise invalid(f"last must be a whole number from 1 to {MAX_ITEMS}")
    svc = services()
    if svc.watches.get(watch_id) is None:
        raise NotFoundError(f"no watch {watch_id!r}")
    stored: list[Any] = []
    cursor: str | None = None
    while len(stored) < last:
        page, cursor = svc.mentions.feed(watch_id, min(100, last - len(stored)), cursor)
        stored.extend(page)
        if cursor is None or not page:
            break
    return [
        (
            {"mention_id": item.id, "title": item.mention.title, "text": item.mention.text},
            Document.of(item.mention, item.language),
        )
        for item in stored
    ]
