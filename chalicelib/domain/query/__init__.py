"""The query language a watch is written in: parse, print, compile a watch set, explain a match.

See the README's "Query language" section for the grammar a user sees.
"""

from __future__ import annotations

from chalicelib.domain.query.ast import And, Filter, Near, Node, Not, Or, Term
from chalicelib.domain.query.compiler import CompiledSet, Verdict
from chalicelib.domain.query.document import Document
from chalicelib.domain.query.errors import QueryError
from chalicelib.domain.query.parser import parse
from chalicelib.domain.query.printer import to_query
from chalicelib.domain.query.reading import Span

__all__ = [
    "And",
    "CompiledSet",
    "Document",
    "Filter",
    "Near",
    "Node",
    "Not",
    "Or",
    "QueryError",
    "Span",
    "Term",
    "Verdict",
    "parse",
    "to_query",
]
