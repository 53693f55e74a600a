"""One mention as the matcher sees it: where each term occurred, and the facts filters read."""

from __future__ import annotations

from typing import NamedTuple

from chalicelib.domain.query.document import FIELDS, Document
from chalicelib.domain.query.normalise import strip_accents

Occurrence = tuple[int, int, int]  # field index (0 title, 1 text, 2 author), first word, past last


class Span(NamedTuple):
    """Where a term matched: a field of the mention and character offsets into it."""

    field: str
    start: int
    end: int
    term: str


def fold_name(value: str) -> str:
    return " ".join(strip_accents(value.casefold()).split())


class Reading:
    """Title and text are scanned as one string joined by BREAK, a word no term can match, so
    a phrase or NEAR never spans both; `boundary` is the index of that word."""

    __slots__ = ("_facts", "boundary", "doc", "occurrences", "parts", "text_at")

    def __init__(self, doc: Document, parts: list[str], boundary: int, text_at: int) -> None:
        self.doc = doc
        self.parts = parts  # gap, word, gap, word, ...: word k is parts[2k + 1]
        self.boundary = boundary  # words before it are the title's, after it the text's
        self.text_at = text_at  # where the text starts in the joined string
        self.occurrences: dict[int, list[Occurrence]] = {}  # atom -> where it occurs
        self._facts: dict[str, str] | None = None

    def span(self, where: Occurrence, term: str) -> Span:
        field, first, last = where
        if field == 2:
            return Span("author", 0, len(self.doc.author_handle), term)
        parts = self.parts
        start = len("".join(parts[: 2 * first + 1]))
        end = start + len("".join(parts[2 * first + 1 : 2 * last]))
        shift = self.text_at if field == 1 else 0
        return Span(FIELDS[field], start - shift, end - shift, term)

    def fact(self, name: str) -> str:
        """`lang`, `source`, `site`, `author` (name) or `handle`, normalised for comparing."""
        facts = self._facts
        if facts is None:
            facts = self._facts = {}
        value = facts.get(name)
        if value is None:
            value = facts[name] = _fact(self.doc, name)
        return value


def _fact(doc: Document, name: str) -> str:
    if name == "lang":
        return doc.language.strip().lower().replace("_", "-")
    if name == "source":
        return doc.source.strip().lower()
    if name == "site":
        return doc.host
    if name == "author":
        return fold_name(doc.author_name)
    return fold_name(doc.author_handle.lstrip("@"))
