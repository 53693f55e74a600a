"""Trying a query before saving it: items in, a verdict per item out, as JSON-ready dicts.
The API route and `tidings query test` share it, so both answer the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.query.compiler import CompiledSet, Verdict
from chalicelib.domain.query.document import Document
from chalicelib.domain.query.parser import parse
from chalicelib.domain.query.printer import to_query

_TEXT_FIELDS = ("text", "title", "lang", "source", "url")


class QueryTrial:
    """One query compiled once, run against any number of documents."""

    def __init__(self, query: str) -> None:
        self.node = parse(query)  # raises QueryError
        self.canonical = to_query(self.node)
        self._set = CompiledSet((("query", self.node),))

    def verdict(self, doc: Document) -> Verdict:
        return self._set.verdict(doc, "query")

    def report(self, doc: Document) -> dict[str, Any]:
        """`match`, the `terms` found, their `spans` (with the words they cover) and `why`."""
        verdict = self.verdict(doc)
        return {
            "match": verdict.match,
            "terms": list(verdict.terms),
            "spans": [
                {
                    "field": s.field,
                    "start": s.start,
                    "end": s.end,
                    "term": s.term,
                    "text": _field(doc, s.field)[s.start : s.end],
                }
                for s in verdict.spans
            ],
            "why": verdict.why,
        }

    def reports(self, docs: Iterable[Document]) -> list[dict[str, Any]]:
        return [self.report(doc) for doc in docs]


def document_from_item(item: Any) -> Document:
    """`{"text": ..., "title"?, "lang"?, "source"?, "author"?, "url"?}` as a Document; `author`
    is a name, an `@handle`, or `{"name", "handle"}`. A ValueError says what is wrong."""
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        raise ValueError('each item must be an object with a "text" string')
    for key in _TEXT_FIELDS:
        if not isinstance(item.get(key, ""), str):
            raise ValueError(f'"{key}" must be a string')
    name, handle = _author(item.get("author", ""))
    return Document(
        text=item["text"],
        title=item.get("title", ""),
        language=item.get("lang", ""),
        source=item.get("source", ""),
        author_name=name,
        author_handle=handle,
        url=item.get("url", ""),
    )


def _author(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return ("", value) if value.startswith("@") else (value, "")
    if isinstance(value, Mapping):
        name, handle = value.get("name", ""), value.get("handle", "")
        if isinstance(name, str) and isinstance(handle, str):
            return name, handle
    raise ValueError('"author" must be a name, an @handle or {"name": ..., "handle": ...}')


def _field(doc: Document, field: str) -> str:
    return {"title": doc.title, "text": doc.text, "author": doc.author_handle}[field]
