"""Recursive descent from tokens to the query's tree.

    query   := or END
    or      := and ( (OR | ",") and )*
    and     := unary ( [AND] unary )*          two operands side by side mean AND
    unary   := (NOT | "-") unary | near
    near    := primary ( (NEAR/n | ONEAR/n) primary )*
    primary := term | filter | "(" or ")"

Nested operators of one kind are flattened, so equal queries give equal trees.
"""

from __future__ import annotations

from chalicelib.domain.query.ast import And, Near, Node, Not, Or, Term
from chalicelib.domain.query.errors import QueryError
from chalicelib.domain.query.lexer import Token, tokenise

_OPERAND = 'a term, a "phrase" or "("'
_STARTS_UNARY = {"TERM", "FILTER", "(", "NOT", "-"}


def parse(query: str) -> Node:
    """The tree of a query, or a QueryError naming the position and what was expected."""
    tokens = tokenise(query)
    if tokens[0].kind == "END":
        raise QueryError.at(0, f"{_OPERAND}: the query is empty")
    parser = _Parser(tokens)
    node = parser.or_()
    end = parser.peek
    if end.kind == ")":
        raise QueryError.at(end.position, "an operator or the end of the query", 'before ")"')
    if end.kind != "END":  # pragma: no cover - every other token starts or joins an operand
        raise QueryError.at(end.position, "the end of the query")
    if not needs_term(node):
        raise QueryError.at(
            0,
            "at least one term to look for",
            "(lang:, source:, author:, site: and NOT only narrow what terms find)",
        )
    _check_proximity(node)
    return node


def needs_term(node: Node) -> bool:
    """True when the query can only match a mention where one of its positive terms appears;
    the matcher relies on it to evaluate only watches with a term hit."""
    if isinstance(node, Term | Near):
        return True
    if isinstance(node, And):
        return any(needs_term(n) for n in node.operands)
    if isinstance(node, Or):
        return all(needs_term(n) for n in node.operands)
    return False


def _check_proximity(node: Node) -> None:
    if isinstance(node, Near):
        for side in (node.left, node.right):
            bad = _not_positional(side)
            if bad is not None:
                raise QueryError.at(
                    bad,
                    "terms, phrases or ( ... OR ... ) on each side of NEAR",
                    "(AND, NOT and filters have no place in the text)",
                )
    elif isinstance(node, Not):
        _check_proximity(node.operand)
    elif isinstance(node, And | Or):
        for operand in node.operands:
            _check_proximity(operand)


def _not_positional(node: Node) -> int | None:
    """The position of the first part of a NEAR side that has no place in the text."""
    if isinstance(node, Term):
        return None
    if isinstance(node, Near):
        left = _not_positional(node.left)
        return left if left is not None else _not_positional(node.right)
    if isinstance(node, Or):
        for operand in node.operands:
            bad = _not_positional(operand)
            if bad is not None:
                return bad
        return None
    if isinstance(node, And):
        first = _not_positional(node.operands[0])
        return first if first is not None else _first_position(node.operands[1])
    return _first_position(node)


def _first_position(node: Node) -> int:
    if isinstance(node, And | Or):
        return _first_position(node.operands[0])
    if isinstance(node, Near):
        return _first_position(node.left)
    return node.position


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str) -> bool:
        return self.tokens[self.i].kind == kind

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def or_(self) -> Node:
        operands = [self.and_(None)]
        while self.peek.kind in ("OR", ","):
            after = self.take()
            operands.append(self.and_(after))
        return _flat(Or, operands)

    def and_(self, after: Token | None) -> Node:
        operands = [self.unary(after)]
        while True:
            if self.peek.kind == "AND":
                operands.append(self.unary(self.take()))
            elif self.peek.kind in _STARTS_UNARY:
                operands.append(self.unary(None))
            else:
                return _flat(And, operands)

    def unary(self, after: Token | None) -> Node:
        if self.peek.kind in ("NOT", "-"):
            token = self.take()
            return Not(self.unary(token), token.position)
        return self.near(after)

    def near(self, after: Token | None) -> Node:
        node = self.primary(after)
        while self.peek.kind == "NEAR":
            op = self.take()
            right = self.primary(op)
            node = Near(node, right, op.distance, op.ordered, op.position)
        return node

    def primary(self, after: Token | None) -> Node:
        token = self.peek
        if token.kind in ("TERM", "FILTER"):
            self.take()
            assert token.node is not None
            return token.node
        if token.kind == "(":
            self.take()
            if self.at(")"):
                raise QueryError.at(self.peek.position, 'a term or a "phrase"', 'inside "( )"')
            node = self.or_()
            if not self.at(")"):
                raise QueryError.at(
                    self.peek.position, '")"', f"to close the ( at position {token.position}"
                )
            self.take()
            return node
        where = f"after {after.text}" if after is not None else _where(token)
        raise QueryError.at(token.position, _OPERAND, where)


def _where(token: Token) -> str:
    if token.kind == "END":
        return "at the end of the query"
    return f"before {token.text}" if token.text else ""


def _flat(kind: type[And] | type[Or], operands: list[Node]) -> Node:
    if len(operands) == 1:
        return operands[0]
    flat: list[Node] = []
    for operand in operands:
        flat.extend(operand.operands if isinstance(operand, kind) else (operand,))
    return kind(tuple(flat))
