"""Matching every watch against a mention in one pass.

The watch set compiles once: every term becomes one or more patterns (word sequences, each word
a set of folded keys), and an index maps a word's key, or a wildcard's prefix, to the patterns
that start with it. A mention's words are found with one regular expression; each distinct word
is looked up in the index once and the answer cached, so the cost of a mention grows with its
words, not with the number of watches. Only watches whose trigger terms occur (every query needs
a positive term, see `parser.needs_term`) have their boolean tree evaluated, on the positions
already found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress

from chalicelib.domain.query.ast import Node, Term
from chalicelib.domain.query.document import Document
from chalicelib.domain.query.evaluate import (
    Check,
    compile_check,
    display,
    evidence,
    positive_terms,
    reasons,
    terms_of,
)
from chalicelib.domain.query.normalise import SPLIT, token_keys
from chalicelib.domain.query.patterns import Pattern, patterns_of
from chalicelib.domain.query.reading import Reading, Span
from chalicelib.domain.query.triggers import required_terms

_CACHE_LIMIT = 50_000  # distinct words remembered, a few MB
BREAK = "_tidings_title_text_break_"  # one word between title and text; matches nothing
# A pattern a word starts: its atom, and the pattern itself when more words must follow.
Entry = tuple[int, Pattern | None]


@dataclass(frozen=True)
class Verdict:
    match: bool
    terms: tuple[str, ...]
    spans: tuple[Span, ...]
    why: str


@dataclass(frozen=True)
class _Query:
    key: str
    node: Node
    atoms: dict[Term, int]
    check: Check
    positive: tuple[tuple[int, str], ...]  # (atom, the term as reported)


class CompiledSet:
    """Many queries (by key: a watch id) compiled for one-pass matching."""

    def __init__(self, queries: Iterable[tuple[str, Node]]) -> None:
        self._patterns: list[Pattern] = []
        self._hit_of: list[Entry] = []
        self._atom_ids: dict[tuple[Pattern, ...], int] = {}
        self._atom_queries: list[list[int]] = []  # atom -> the queries it triggers
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}
        self._handles: dict[str, list[int]] = {}
        self._queries: list[_Query] = []
        self._by_key: dict[str, _Query] = {}
        self._keys: dict[str, frozenset[str]] = {}  # every word seen -> its keys
        self._hits: dict[str, tuple[Entry, ...]] = {}  # every word seen -> patterns it starts
        for key, node in queries:
            self._add(key, node)
        self._prefix_lengths = sorted({len(p) for p in self._prefix})

    def _add(self, key: str, node: Node) -> None:
        atoms = {term: self._atom(term) for term in terms_of(node)}
        positive = tuple(
            dict.fromkeys((atoms[t], display(t)) for t in positive_terms(node) if t in atoms)
        )
        query = _Query(key, node, atoms, compile_check(node, atoms), positive)
        index = len(self._queries)
        self._queries.append(query)
        self._by_key[key] = query
        for atom in dict.fromkeys(atoms[t] for t in required_terms(node)):
            if index not in self._atom_queries[atom]:
                self._atom_queries[atom].append(index)

    def _atom(self, term: Term) -> int:
        patterns = patterns_of(term)
        atom = self._atom_ids.get(patterns)
        if atom is not None:
            return atom
        atom = self._atom_ids[patterns] = len(self._atom_queries)
        self._atom_queries.append([])
        for pattern in patterns:
            pid = len(self._patterns)
            self._patterns.append(pattern)
            self._hit_of.append((atom, pattern if len(pattern) > 1 else None))
            first = pattern[0]
            index = self._prefix if first.prefix else self._exact
            for key in first.keys:
                index.setdefault(key, []).append(pid)
        if term.kind == "handle" and not term.prefix:
            for key in patterns[0][0].keys:
                self._handles.setdefault(key, []).append(atom)
        return atom

    def _learn(self, tokens: Iterable[str]) -> None:
        """Look each new word up in the index once; `_hits` remembers the answer."""
        for token in tokens:
            if token == BREAK:
                self._keys[token], self._hits[token] = frozenset(), ()
                continue
            keys = self._keys[token] = token_keys(token)
            found: list[int] = []
            for key in keys:
                found.extend(self._exact.get(key, ()))
                for length in self._prefix_lengths:
                    if length > len(key):
                        break
                    found.extend(self._prefix.get(key[:length], ()))
            self._hits[token] = tuple(
                self._hit_of[p]
                for p in dict.fromkeys(found)
                if self._patterns[p][0].matches(keys, token)
            )

    def read(self, doc: Document) -> Reading:
        """Every atom's occurrences in the mention: one regex pass and cached word lookups."""
        title, text = doc.title, doc.text
        if BREAK in title or BREAK in text:  # never in real text; keep offsets if it is
            title, text = (t.replace(BREAK, " " * len(BREAK)) for t in (title, text))
        if title and text:
            parts = SPLIT.split(f"{title}\n{BREAK}\n{text}")
            boundary = parts.index(BREAK) // 2
            reading = Reading(doc, parts, boundary, len(title) + len(BREAK) + 2)
        else:
            parts = SPLIT.split(title or text)
            reading = Reading(doc, parts, len(parts) if title else -1, 0)
        self._read_words(reading, parts[1::2])
        if doc.author_handle and self._handles:
            handle = "@" + doc.author_handle.lstrip("@")
            keys = (handle.lower(),) if handle.isascii() else token_keys(handle)
            for key in keys:
                for atom in self._handles.get(key, ()):
                    reading.occurrences.setdefault(atom, []).append((2, 0, 1))
        return reading

    def _read_words(self, reading: Reading, raw: list[str]) -> None:
        found = list(map(self._hits.get, raw))  # per word: the patterns it starts, or None
        if None in found:
            if len(self._hits) > _CACHE_LIMIT:
                self._hits.clear()
                self._keys.clear()
            self._learn(set(raw).difference(self._hits))
            found = list(map(self._hits.get, raw))
        occurrences, boundary = reading.occurrences, reading.boundary
        for i in compress(range(len(found)), found):
            for atom, pattern in found[i]:  # type: ignore[union-attr]
                if pattern is None:
                    end = i + 1
                elif self._rest(pattern, raw, i):
                    end = i + len(pattern)
                else:
                    continue
                where = (0 if i < boundary else 1, i, end)
                places = occurrences.get(atom)
                if places is None:
                    occurrences[atom] = [where]
                else:
                    places.append(where)

    def _rest(self, pattern: Pattern, raw: list[str], i: int) -> bool:
        if i + len(pattern) > len(raw):
            return False
        known = self._keys
        for j in range(1, len(pattern)):
            token = raw[i + j]
            keys = known.get(token)
            if keys is None:
                keys = known[token] = frozenset() if token == BREAK else token_keys(token)
            if not pattern[j].matches(keys, token):
                return False
        return True

    def match(self, doc: Document) -> list[tuple[str, tuple[str, ...], tuple[Span, ...]]]:
        """(key, terms found, spans) of every query the document matches, in key order."""
        reading = self.read(doc)
        occ = reading.occurrences
        if not occ:
            return []
        triggers = self._atom_queries
        candidates: Iterable[int]
        if len(occ) == 1:
            candidates = triggers[next(iter(occ))]
        else:
            candidates = set().union(*(triggers[atom] for atom in occ))
        found = []
        queries = self._queries
        for index in candidates:
            query = queries[index]
            if query.check(occ, reading):
                found.append((query.key, *evidence(query.positive, occ, reading)))
        if len(found) > 1:
            found.sort(key=lambda item: item[0])
        return found

    def verdict(self, doc: Document, key: str) -> Verdict:
        """Whether one query matches the document, what it found and why, for a user to read."""
        query = self._by_key[key]
        reading = self.read(doc)
        occ = reading.occurrences
        terms, spans = evidence(query.positive, occ, reading)
        if query.check(occ, reading):
            return Verdict(True, terms, spans, "matched " + ", ".join(terms))
        if not terms:
            return Verdict(False, terms, spans, "none of the query's terms appears")
        why = reasons(query.node, query.atoms, occ, reading)
        found = "found " + ", ".join(terms)
        return Verdict(False, terms, spans, f"{found}; {why}" if why else found)
