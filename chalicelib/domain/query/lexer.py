"""Splitting a query string into tokens: operators, parentheses, terms and field filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from chalicelib.domain.query.ast import Filter, FilterField, Term, TermKind
from chalicelib.domain.query.errors import QueryError
from chalicelib.domain.query.normalise import words

TokenKind = Literal["(", ")", ",", "AND", "OR", "NOT", "-", "NEAR", "TERM", "FILTER", "END"]
OPERATORS = {"AND", "OR", "NOT"}
_SEPARATORS = frozenset(' \t\r\n\f\v(),"')
_NEAR = re.compile(r"(O?)NEAR(?:/(.*))?$")
_FIELD_NAMES: dict[str, FilterField | Literal["case"]] = {
    "lang": "lang",
    "source": "source",
    "author": "author",
    "site": "site",
    "domain": "site",
    "case": "case",
}
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_HOST = re.compile(r"(?:[\w-]+\.)*[\w-]+\.[\w-]{2,}")
_EXAMPLES = {
    "lang": "a language code such as en or de",
    "source": "a source name such as reddit or rss",
    "author": "an author's name or handle",
    "site": "a domain such as example.com",
}


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    position: int
    text: str = ""
    node: Term | Filter | None = None
    distance: int = 0
    ordered: bool = False


def tokenise(query: str) -> list[Token]:
    return list(_Lexer(query).tokens())


class _Lexer:
    def __init__(self, query: str) -> None:
        self.query = query
        self.i = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        q = self.query
        while True:
            while self.i < len(q) and q[self.i].isspace():
                self.i += 1
            if self.i >= len(q):
                out.append(Token("END", self.i))
                return out
            start, ch = self.i, q[self.i]
            if ch in "(),":
                self.i += 1
                out.append(Token(ch, start, ch))  # type: ignore[arg-type]
            elif ch == '"':
                text = self._phrase()
                out.append(Token("TERM", start, text, Term(text, phrase=True, position=start)))
            elif ch == "-" and self._starts_operand(start + 1):
                self.i += 1
                out.append(Token("-", start, "-"))
            else:
                out.append(self._chunk())

    def _starts_operand(self, at: int) -> bool:
        return at < len(self.query) and self.query[at] not in " \t\r\n\f\v),"

    def _phrase(self) -> str:
        """The words inside quotes; `self.i` is on the opening quote."""
        start = self.i
        end = self.query.find('"', start + 1)
        if end < 0:
            raise QueryError.at(start, 'a closing quote (") for the phrase that starts here')
        self.i = end + 1
        text = self.query[start + 1 : end]
        if not words(text):
            raise QueryError.at(start, "words inside the quotes")
        return text

    def _chunk(self) -> Token:
        q, start = self.query, self.i
        while self.i < len(q) and q[self.i] not in _SEPARATORS:
            self.i += 1
        chunk = q[start : self.i]
        if chunk == "-":
            raise QueryError.at(start, "a term right after -")
        if chunk in OPERATORS:
            return Token(chunk, start, chunk)  # type: ignore[arg-type]
        near = _NEAR.match(chunk)
        if near:
            count = near.group(2) or ""
            if not (count.isascii() and count.isdigit()):
                raise QueryError.at(
                    start, f"a number of words after {near.group(1)}NEAR/, e.g. NEAR/5"
                )
            return Token(
                "NEAR", start, chunk, distance=int(near.group(2)), ordered=bool(near.group(1))
            )
        name, colon, value = chunk.partition(":")
        field = _FIELD_NAMES.get(name.lower()) if colon else None
        if field is None:
            return Token("TERM", start, chunk, _term(chunk, start))
        value_at = start + len(name) + 1
        phrase = False
        if not value and self.i < len(q) and q[self.i] == '"':
            value, phrase = self._phrase(), True
        if field == "case":
            if not value:
                raise QueryError.at(value_at, "a word or a phrase after case:")
            term = Term(value, phrase=True) if phrase else _term(value, value_at)
            node: Term | Filter = Term(
                term.text,
                phrase=term.phrase,
                prefix=term.prefix,
                case_sensitive=True,
                kind=term.kind,
                position=start,
            )
            return Token("TERM", start, chunk, node)
        return Token("FILTER", start, chunk, Filter(field, _value(field, value, value_at), start))


def _term(chunk: str, at: int) -> Term:
    kind: TermKind = "word"
    body = chunk
    if body[:1] in ("#", "@"):
        kind = "hashtag" if body[0] == "#" else "handle"
        body = body[1:]
    prefix = body.endswith("*")
    if prefix:
        body = body[:-1]
    star = body.find("*")
    if star >= 0:
        raise QueryError.at(at + len(chunk) - len(body) + star, "* only at the end of a word")
    found = words(body)
    if not found:
        raise QueryError.at(at, f"a term with letters or digits, not {chunk!r}")
    if kind != "word" and len(found) > 1:
        raise QueryError.at(at, f"a single word after {chunk[0]}")
    if prefix and len(found[-1]) < 2:
        raise QueryError.at(at, "at least 2 letters before *")
    return Term(body, prefix=prefix, kind=kind, position=at)


def _value(field: FilterField, raw: str, at: int) -> str:
    value = raw.strip()
    if field == "lang":
        value = value.lower().replace("_", "-")
        ok = bool(_LANG.fullmatch(value))
    elif field == "source":
        value = value.lower()
        ok = bool(_SOURCE.fullmatch(value))
    elif field == "site":
        value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.lower()).split("/")[0].split(":")[0]
        value = value.removeprefix("www.")
        ok = bool(_HOST.fullmatch(value))
    else:
        ok = bool(words(value))
    if not ok:
        raise QueryError.at(at, f"{_EXAMPLES[field]} after {field}:")
    return value
