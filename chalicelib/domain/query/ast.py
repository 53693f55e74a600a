"""The parsed form of a query: frozen values, so equal queries compare equal.

Positions (offsets into the query string) are kept for error messages but left out of equality,
so `parse(to_query(node)) == node`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

TermKind = Literal["word", "hashtag", "handle"]
FilterField = Literal["lang", "source", "author", "site"]
FIELDS: tuple[FilterField, ...] = ("lang", "source", "author", "site")


@dataclass(frozen=True)
class Term:
    """A word, a bare compound (`Social-Media`), or a quoted phrase, with its modifiers."""

    text: str  # as written: the word, or what is inside the quotes
    phrase: bool = False  # written in quotes
    prefix: bool = False  # `tiding*`
    case_sensitive: bool = False  # `case:Apple`
    kind: TermKind = "word"  # `#tidings` is a hashtag, `@acme` a handle
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Filter:
    """A condition on the mention rather than its words: `lang:de`, `site:example.com`."""

    field: FilterField
    value: str
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Node
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    """Both sides within `distance` words of each other (`ordered`: left first)."""

    left: Node
    right: Node
    distance: int
    ordered: bool = False
    position: int = dataclasses.field(default=0, compare=False)


Node = Term | Filter | Not | And | Or | Near
