"""A watch's query as a platform's search string. The connector only narrows what it fetches:
the pipeline re-checks every mention against the watch's full query."""

from __future__ import annotations

from chalicelib.domain.matching import QueryError, parse_terms
from chalicelib.domain.models import Watch
from chalicelib.errors import SourceError


def terms_of(kind: str, watch: Watch) -> tuple[str, ...]:
    try:
        return parse_terms(watch.query)
    except QueryError as exc:
        raise SourceError(kind, f"cannot search for the query: {exc}", transient=False) from None


def quoted(term: str) -> str:
    return f'"{term}"' if " " in term else term


def or_query(terms: tuple[str, ...]) -> str:
    """`Acme OR "Acme Cloud"`: the OR syntax Reddit, Bluesky and GitHub searches share."""
    return " OR ".join(quoted(term) for term in terms)
