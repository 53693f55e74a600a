"""The terms a query cannot match without: at least one of them appears in every mention the
query matches. The matcher evaluates a watch only when one occurs; a source's search API is
asked for them alone, so `Acme (outage OR down)` searches for Acme, not for every outage."""

from __future__ import annotations

from chalicelib.domain.query.ast import And, Near, Node, Or, Term
from chalicelib.domain.query.normalise import words
from chalicelib.domain.query.parser import needs_term


def required_terms(node: Node) -> tuple[Term, ...]:
    """Every term of an OR; the most telling operand of an AND (fewest terms, then longest
    words); the more telling side of a NEAR. Empty only for a query the parser refuses."""
    if isinstance(node, Term):
        return (node,)
    if isinstance(node, Or):
        return tuple(dict.fromkeys(t for n in node.operands for t in required_terms(n)))
    options: list[tuple[Term, ...]] = []
    if isinstance(node, Near):
        options = [required_terms(node.left), required_terms(node.right)]
    elif isinstance(node, And):
        options = [required_terms(n) for n in node.operands if needs_term(n)]
    return min(options, key=_cost, default=())


def _cost(terms: tuple[Term, ...]) -> tuple[int, int]:
    shortest = min((len(w) for t in terms for w in words(t.text)), default=0)
    return len(terms), -shortest
