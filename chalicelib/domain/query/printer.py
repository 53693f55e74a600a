"""The canonical text of a query tree: `parse(to_query(node)) == node` for every parsed tree."""

from __future__ import annotations

from chalicelib.domain.query.ast import And, Filter, Near, Node, Not, Or, Term

_PRECEDENCE = {Or: 1, And: 2, Not: 3, Near: 4, Term: 5, Filter: 5}
_QUOTE_IN_VALUE = frozenset(' \t\r\n\f\v(),"')


def to_query(node: Node) -> str:
    return _print(node, 0)


def _print(node: Node, minimum: int) -> str:
    text = _bare(node)
    return f"({text})" if _PRECEDENCE[type(node)] < minimum else text


def _bare(node: Node) -> str:
    if isinstance(node, Term):
        return term_text(node)
    if isinstance(node, Filter):
        quoted = any(ch in _QUOTE_IN_VALUE for ch in node.value)
        return f'{node.field}:"{node.value}"' if quoted else f"{node.field}:{node.value}"
    if isinstance(node, Not):
        if isinstance(node.operand, Term | Filter):
            return "-" + _bare(node.operand)
        return "NOT " + _print(node.operand, 3)
    if isinstance(node, And):
        return " ".join(_print(n, 2) for n in node.operands)
    if isinstance(node, Or):
        return " OR ".join(_print(n, 2) for n in node.operands)
    op = f"{'O' if node.ordered else ''}NEAR/{node.distance}"
    return f"{_print(node.left, 4)} {op} {_print(node.right, 5)}"


def term_text(term: Term) -> str:
    """A term as the query writes it: `"Acme Cloud"`, `tiding*`, `#tidings`, `case:Apple`."""
    mark = {"word": "", "hashtag": "#", "handle": "@"}[term.kind]
    body = f'"{term.text}"' if term.phrase else f"{mark}{term.text}{'*' if term.prefix else ''}"
    return f"case:{body}" if term.case_sensitive else body
