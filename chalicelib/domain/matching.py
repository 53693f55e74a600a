"""Which watches a mention belongs to.

The foundation matcher: a query is terms and "quoted phrases" joined by OR (or commas); each
matches whole words, case- and accent-insensitively. All watches compile into one trie of word
sequences, so a mention's words are walked once however many watches there are, and a phrase
one watch listens for never hides a word inside it that another watch listens for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from chalicelib.domain.models import Watch
from chalicelib.domain.text import fold

_TERM = re.compile(r'"([^"]+)"|([^\s,"]+)')
_WORD = re.compile(r"\w+")


class QueryError(ValueError):
    """A query that cannot be understood; the message says where and why."""


def parse_terms(query: str) -> tuple[str, ...]:
    if query.count('"') % 2:
        raise QueryError(f"unclosed quote at position {query.rfind(chr(34))}")
    terms: list[str] = []
    for match in _TERM.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if word is not None and word.upper() == "OR":
            continue
        term = (phrase if phrase is not None else word).strip()
        if term and _WORD.search(term):
            terms.append(term)
    if not terms:
        raise QueryError('the query has no terms: write a word or a "phrase"')
    return tuple(terms)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class Match:
    watch_id: str
    terms: tuple[str, ...]


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # watch id -> term as that watch wrote it


class WatchMatcher:
    """Matches text against every watch in one pass over its words."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._root = _Node()
        for watch in watches:
            if not watch.enabled:
                continue
            for term in parse_terms(watch.query):
                node = self._root
                for word in words(term):
                    node = node.children.setdefault(word, _Node())
                node.owners.setdefault(watch.id, term)

    def match(self, texts: Sequence[str]) -> list[Match]:
        found: dict[str, list[str]] = {}
        for text in texts:
            tokens = words(text)
            for start in range(len(tokens)):
                node = self._root
                for token in tokens[start:]:
                    child = node.children.get(token)
                    if child is None:
                        break
                    node = child
                    for watch_id, term in node.owners.items():
                        terms = found.setdefault(watch_id, [])
                        if term not in terms:
                            terms.append(term)
        return [Match(watch_id, tuple(terms)) for watch_id, terms in sorted(found.items())]
