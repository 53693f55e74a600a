"""Which watches a mention belongs to: the one entry point the pipeline, the API and the CLI use.

Queries are written in the query language of `chalicelib.domain.query`; the whole watch set is
compiled once, so matching a mention costs about the same for ten watches or a thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.models import Watch
from chalicelib.domain.query import CompiledSet, Document, QueryError, Span, parse
from chalicelib.domain.query.triggers import required_terms

__all__ = ["Document", "Match", "QueryError", "Span", "WatchMatcher", "parse_terms"]


@dataclass(frozen=True)
class Match:
    watch_id: str
    terms: tuple[str, ...]  # the watch's terms found, as it wrote them, in the order they appear
    spans: tuple[Span, ...] = ()


class WatchMatcher:
    """Matches a mention against every enabled watch in one pass over its words."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._set = CompiledSet((w.id, parse(w.query)) for w in watches if w.enabled)

    def match(self, doc: Document) -> list[Match]:
        return [Match(key, terms, spans) for key, terms, spans in self._set.match(doc)]


def parse_terms(query: str) -> tuple[str, ...]:
    """The words and phrases to ask a source's search API for: every mention the query matches
    contains one of them (`Acme (outage OR down)` gives Acme alone). The matcher then applies
    the whole query to what the source returns."""
    return tuple(dict.fromkeys(term.text for term in required_terms(parse(query))))
