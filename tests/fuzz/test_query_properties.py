"""The query language under arbitrary input: every string parses or fails with a QueryError at
a position inside the query; what parses prints back to the same tree; the matcher obeys the
boolean laws; and the compiled one-pass matcher agrees with a plain per-query reference."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from chalicelib.domain.query import (
    And,
    CompiledSet,
    Document,
    Filter,
    Near,
    Node,
    Not,
    Or,
    QueryError,
    Term,
    parse,
    to_query,
)

pytestmark = pytest.mark.fuzz

VOCABULARY = ("acme", "cloud", "outage", "down", "love", "tidings", "slow", "api")
OPERATORS = ("AND", "OR", "NOT", "-", "(", ")", '"', ",", "NEAR/2", "ONEAR/1", "*", ":")
LANGS = ("en", "de", "fr")

# Query-ish strings: operators, words, filters, quotes and anything else, side by side.
query_pieces = st.one_of(
    st.sampled_from(VOCABULARY + OPERATORS),
    st.sampled_from(("lang:", "site:", "source:", "author:", "case:", "#", "@", "domain:")),
    st.text(max_size=8),
)
query_like = st.lists(query_pieces, max_size=12).map(" ".join) | st.text(max_size=60)


def _parse_or_none(query: str) -> Node | None:
    try:
        return parse(query)
    except QueryError as error:
        refused = error
    assert 0 <= refused.position <= len(query), (query, refused.position)
    assert str(refused).startswith(f"position {refused.position}: expected ")
    return None


@given(query_like)
@example("NEAR/٣")
@example("acme NEAR/99999999999999999999999999 cloud")
@example('case:"')
@example("site:")
@example("acme -")
@example("((acme)")
def test_any_string_parses_or_says_where_it_went_wrong(query: str) -> None:
    # Given any string a user could type, When it is parsed, Then it is a tree or a QueryError
    # naming a position inside the query (never any other exception)
    _parse_or_none(query)


@given(query_like)
@example("lang:DE_at acme")
@example('site:"https://www.Example.com/x" acme')
@example("acme NEAR/3 (cloud OR api) -down")
@example('case:"Acme Cloud" OR @acme OR #tidings*')
def test_a_parsed_query_prints_back_to_the_same_tree(query: str) -> None:
    # Given a query that parses, When it is printed and parsed again, Then the tree is the same
    node = _parse_or_none(query)
    assume(node is not None)
    assert node is not None
    printed = to_query(node)
    assert parse(printed) == node
    assert to_query(parse(printed)) == printed  # printing is canonical


# Generated trees over a small vocabulary, so texts often contain their terms -----------------

terms = st.builds(
    Term,
    st.sampled_from(VOCABULARY),
    prefix=st.booleans(),
) | st.builds(
    lambda a, b: Term(f"{a} {b}", phrase=True),
    st.sampled_from(VOCABULARY),
    st.sampled_from(VOCABULARY),
)
near_sides = st.recursive(
    terms, lambda inner: st.lists(inner, min_size=2, max_size=3).map(lambda o: Or(tuple(o)))
)
atoms = terms | st.builds(Filter, st.just("lang"), st.sampled_from(LANGS))
trees = st.recursive(
    atoms | st.builds(Near, near_sides, near_sides, st.integers(0, 3), st.booleans()),
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.lists(inner, min_size=2, max_size=3).map(lambda o: And(tuple(o))),
        st.lists(inner, min_size=2, max_size=3).map(lambda o: Or(tuple(o))),
    ),
    max_leaves=6,
)
texts = st.lists(
    st.tuples(
        st.sampled_from((*VOCABULARY, "the", "is", "very", "ünïcode", "x")),
        st.sampled_from((" ", ", ", ". ", "-", "\n", " — ")),
        st.booleans(),
    ),
    max_size=14,
).map(lambda ws: "".join((w.upper() if up else w) + sep for w, sep, up in ws))
documents = st.builds(Document, text=texts, language=st.sampled_from(("", *LANGS, "de-AT")))


def matches(node: Node, doc: Document) -> bool:
    """The per-query evaluation: one query compiled alone, its boolean tree always evaluated."""
    return CompiledSet((("q", node),)).verdict(doc, "q").match


@given(trees, documents)
def test_not_not_a_is_a(a: Node, doc: Document) -> None:
    assert matches(Not(Not(a)), doc) == matches(a, doc)


@given(trees, documents)
def test_not_a_is_the_opposite_of_a(a: Node, doc: Document) -> None:
    assert matches(Not(a), doc) == (not matches(a, doc))


@given(trees, trees, documents)
def test_or_is_commutative_and_idempotent(a: Node, b: Node, doc: Document) -> None:
    assert matches(Or((a, b)), doc) == matches(Or((b, a)), doc)
    assert matches(Or((a, a)), doc) == matches(a, doc)
    assert matches(Or((a, b)), doc) == (matches(a, doc) or matches(b, doc))


@given(trees, trees, documents)
def test_de_morgan(a: Node, b: Node, doc: Document) -> None:
    assert matches(Not(Or((a, b))), doc) == matches(And((Not(a), Not(b))), doc)
    assert matches(Not(And((a, b))), doc) == matches(Or((Not(a), Not(b))), doc)


# The reference: words found by a plain regex, evaluated straight from the tree ----------------

_WORDS = re.compile(r"\w+")


def _places(node: Node, words: Sequence[str]) -> list[tuple[int, int]]:
    """(first word, past last) of every occurrence of a NEAR side."""
    if isinstance(node, Term):
        wanted = node.text.lower().split()
        found = []
        for i in range(len(words) - len(wanted) + 1):
            window = words[i : i + len(wanted)]
            head, last = window[:-1], window[-1]
            ok_last = last.startswith(wanted[-1]) if node.prefix else last == wanted[-1]
            if head == wanted[:-1] and ok_last:
                found.append((i, i + len(wanted)))
        return found
    if isinstance(node, Or):
        return [p for n in node.operands for p in _places(n, words)]
    assert isinstance(node, Near)
    out = []
    for ls, le in _places(node.left, words):
        for rs, re_ in _places(node.right, words):
            if le <= rs:
                gap = rs - le
            elif not node.ordered and re_ <= ls:
                gap = ls - re_
            else:
                continue
            if gap <= node.distance:
                out.append((min(ls, rs), max(le, re_)))
    return out


def reference(node: Node, doc: Document) -> bool:
    words = [w.lower() for w in _WORDS.findall(doc.text)]
    if isinstance(node, Term | Near):
        return bool(_places(node, words))
    if isinstance(node, Filter):
        lang = doc.language.lower()
        return node.value in (lang, lang.split("-")[0])
    if isinstance(node, Not):
        return not reference(node.operand, doc)
    if isinstance(node, And):
        return all(reference(n, doc) for n in node.operands)
    return any(reference(n, doc) for n in node.operands)


@given(trees, documents)
@example(Near(Term("acme"), Term("cloud"), 0, ordered=True), Document("cloud acme"))
@example(Term("acme cloud", phrase=True), Document("ACME-cloud"))
def test_the_matcher_agrees_with_the_reference(a: Node, doc: Document) -> None:
    assert matches(a, doc) == reference(a, doc)


@given(st.lists(trees, min_size=1, max_size=6), documents)
def test_the_one_pass_matcher_agrees_with_each_query_alone(
    nodes: list[Node], doc: Document
) -> None:
    # Given several watches' queries compiled together (only those the parser accepts)
    parsed = []
    for node in nodes:
        try:
            parsed.append(parse(to_query(node)))
        except QueryError:
            continue
    assume(parsed)
    queries = [(f"w{i}", node) for i, node in enumerate(parsed)]
    # When a mention is matched in one pass, Then exactly the queries that match alone are found
    found = [key for key, _, _ in CompiledSet(queries).match(doc)]
    assert found == [key for key, node in queries if reference(node, doc)]
