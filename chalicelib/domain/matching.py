"""Which watches a mention belongs to.

The foundation matcher: a query is terms and "quoted phrases" joined by OR (or commas); each
matches whole words, case- and accent-insensitively. All watches compile into one regular
expression, so a mention is scanned once however many watches there are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chalicelib.domain.models import Watch
from chalicelib.domain.text import fold

_TERM = re.compile(r'"([^"]+)"|([^\s,"]+)')


class QueryError(ValueError):
    """A query that cannot be understood; the message says where and why."""


def parse_terms(query: str) -> tuple[str, ...]:
    terms: list[str] = []
    for match in _TERM.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if word is not None and word.upper() == "OR":
            continue
        term = (phrase if phrase is not None else word).strip()
        if term:
            terms.append(term)
    if query.count('"') % 2:
        raise QueryError(f"unclosed quote at position {query.rfind(chr(34))}")
    if not terms:
        raise QueryError('the query has no terms: write a word or a "phrase"')
    return tuple(terms)


@dataclass(frozen=True)
class Match:
    watch_id: str
    terms: tuple[str, ...]


class WatchMatcher:
    """Matches text against every watch in one pass."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._owners: dict[str, set[str]] = {}
        self._originals: dict[str, str] = {}
        for watch in watches:
            if not watch.enabled:
                continue
            for term in parse_terms(watch.query):
                folded = " ".join(fold(term).split())
                self._owners.setdefault(folded, set()).add(watch.id)
                self._originals.setdefault(folded, term)
        alternatives = sorted(self._owners, key=len, reverse=True)
        body = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in alternatives)
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if alternatives else None

    def match(self, texts: Sequence[str]) -> list[Match]:
        if self._pattern is None:
            return []
        found: dict[str, list[str]] = {}
        for text in texts:
            for hit in self._pattern.finditer(fold(text)):
                term = " ".join(hit.group(0).split())
                for watch_id in self._owners.get(term, ()):
                    terms = found.setdefault(watch_id, [])
                    if self._originals[term] not in terms:
                        terms.append(self._originals[term])
        return [Match(watch_id, tuple(terms)) for watch_id, terms in sorted(found.items())]
