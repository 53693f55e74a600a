"""The query language as written: what a query means, its canonical form, and its errors."""

from __future__ import annotations

import random

import pytest

from chalicelib.domain.query import (
    And,
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

ACME, GLOBEX, JOBS = Term("Acme"), Term("Globex"), Term("jobs")


# What a query means


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("Acme", ACME),
        ('"Acme Cloud"', Term("Acme Cloud", phrase=True)),
        ("Acme OR Globex", Or((ACME, GLOBEX))),
        ("Acme, Globex", Or((ACME, GLOBEX))),
        ("Acme AND Globex", And((ACME, GLOBEX))),
        ("Acme Globex", And((ACME, GLOBEX))),
        ("Acme -jobs", And((ACME, Not(JOBS)))),
        ("Acme NOT jobs", And((ACME, Not(JOBS)))),
        ("Acme OR Globex jobs", Or((ACME, And((GLOBEX, JOBS))))),
        ("(Acme OR Globex) jobs", And((Or((ACME, GLOBEX)), JOBS))),
        ("Acme OR (Globex OR jobs)", Or((ACME, GLOBEX, JOBS))),
        ("tiding*", Term("tiding", prefix=True)),
        ("#tidings", Term("tidings", kind="hashtag")),
        ("@acme", Term("acme", kind="handle")),
        ("case:Apple", Term("Apple", case_sensitive=True)),
        ('case:"Apple Watch"', Term("Apple Watch", phrase=True, case_sensitive=True)),
        ("Social-Media", Term("Social-Media")),
        ("Acme NEAR/5 outage", Near(ACME, Term("outage"), 5)),
        ("Acme ONEAR/2 outage", Near(ACME, Term("outage"), 2, ordered=True)),
        ("Acme lang:DE", And((ACME, Filter("lang", "de")))),
        ("Acme -source:reddit", And((ACME, Not(Filter("source", "reddit"))))),
        ('Acme author:"Maya L"', And((ACME, Filter("author", "Maya L")))),
        ("Acme domain:https://www.Acme.com/blog", And((ACME, Filter("site", "acme.com")))),
        ("Acme NOT site:acme.com", And((ACME, Not(Filter("site", "acme.com"))))),
    ],
)
def test_a_query_means_what_the_grammar_says(query: str, tree: Node) -> None:
    assert parse(query) == tree


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    # Given a query mixing the three without parentheses
    tree = parse("Acme -jobs OR Globex NOT careers")

    # Then NOT applies to one term, AND joins neighbours, OR splits the rest
    assert tree == Or((And((ACME, Not(JOBS))), And((GLOBEX, Not(Term("careers"))))))


def test_near_takes_or_groups_on_either_side() -> None:
    tree = parse("(Acme OR Globex) NEAR/3 (outage OR down)")

    assert tree == Near(Or((ACME, GLOBEX)), Or((Term("outage"), Term("down"))), 3)


# The canonical form


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("Acme,Globex", "Acme OR Globex"),
        ("Acme AND  Globex", "Acme Globex"),
        ("Acme NOT jobs", "Acme -jobs"),
        ("NOT (jobs OR careers) Acme", "NOT (jobs OR careers) Acme"),
        ("(Acme) OR ((Globex))", "Acme OR Globex"),
        ("Acme lang:DE domain:www.acme.com", "Acme lang:de site:acme.com"),
        ('case:"Apple Watch" @acme #tidings tiding*', 'case:"Apple Watch" @acme #tidings tiding*'),
        ("(a OR b) NEAR/2 c ONEAR/4 (d NEAR/1 e)", "(a OR b) NEAR/2 c ONEAR/4 (d NEAR/1 e)"),
    ],
)
def test_a_query_prints_in_one_canonical_form_that_parses_back_to_the_same_tree(
    query: str, canonical: str
) -> None:
    tree = parse(query)

    assert to_query(tree) == canonical
    assert parse(to_query(tree)) == tree


def test_every_realistic_query_survives_print_and_parse() -> None:
    queries = [
        '(Acme OR "Acme Cloud" OR #acme OR @acme) NOT (careers OR "job opening") lang:en',
        'acm* -jobs -hiring OR "Acme Pay" -source:reddit -site:acme.com',
        'case:Apple (iPhone OR "Apple Watch") NOT (fruit OR pie) author:"Maya Lindqvist"',
        "Müller-Straße OR Strasse, Social-Media ONEAR/3 (Kampagne OR campaign)",
    ]
    for query in queries:
        tree = parse(query)
        assert parse(to_query(tree)) == tree, query


# Errors a user sees


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Acme AND", 'position 8: expected a term, a "phrase" or "(" after AND'),
        ("Acme OR OR Globex", 'position 8: expected a term, a "phrase" or "(" after OR'),
        ("Acme NOT", 'position 8: expected a term, a "phrase" or "(" after NOT'),
        ("(Acme OR Globex", 'position 15: expected ")" to close the ( at position 0'),
        ("Acme)", 'position 4: expected an operator or the end of the query before ")"'),
        ("()", 'position 1: expected a term or a "phrase" inside "( )"'),
        ('Acme "Cloud', 'position 5: expected a closing quote (") for the phrase that starts here'),
        ("Acme NEAR outage", "position 5: expected a number of words after NEAR/, e.g. NEAR/5"),
        ("Acme ONEAR/x outage", "position 5: expected a number of words after ONEAR/, e.g. NEAR/5"),
        ("Acme NEAR/3", 'position 11: expected a term, a "phrase" or "(" after NEAR/3'),
        ("ti*ngs", "position 2: expected * only at the end of a word"),
        ("t*", "position 0: expected at least 2 letters before *"),
        ("Acme - jobs", "position 5: expected a term right after -"),
        ("Acme lang:german", "position 10: expected a language code such as en or de after lang:"),
        ("Acme site:localhost", "position 10: expected a domain such as example.com after site:"),
        ("Acme source:", "position 12: expected a source name such as reddit or rss after source:"),
        ("case:", "position 5: expected a word or a phrase after case:"),
        ("Acme #", "position 5: expected a term with letters or digits, not '#'"),
    ],
)
def test_a_syntax_error_names_the_position_and_what_was_expected(query: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse(query)

    assert str(raised.value) == message
    assert query[raised.value.position :] == query[int(message.split()[1].rstrip(":")) :]


@pytest.mark.parametrize(
    "query", ["NOT Acme", "-Acme", "lang:de", "-lang:de source:rss", "Acme OR -jobs", "-x OR -y"]
)
def test_a_query_with_no_positive_term_is_refused_saying_so(query: str) -> None:
    # Given a query that only excludes or filters
    # When parsed
    with pytest.raises(QueryError) as raised:
        parse(query)

    # Then the user learns that a term to look for is needed
    assert str(raised.value).startswith("position 0: expected at least one term to look for")
    assert raised.value.expected == "at least one term to look for"


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("Acme NEAR/3 (outage AND down)", 24),
        ("Acme NEAR/3 lang:en", 12),
        ("Acme NEAR/2 (-jobs)", 13),
    ],
)
def test_near_refuses_what_has_no_place_in_the_text(query: str, position: int) -> None:
    with pytest.raises(QueryError) as raised:
        parse(query)

    assert raised.value.position == position
    assert "on each side of NEAR" in str(raised.value)


def test_operators_are_words_when_written_in_lower_case() -> None:
    assert parse("rock and roll") == And((Term("rock"), Term("and"), Term("roll")))


def test_an_unknown_field_is_a_term() -> None:
    # Given a word with a colon that is not one of the fields
    # Then it is looked for as written (its words, together)
    assert parse("price:low") == Term("price:low")


def _random_query(rng: random.Random, depth: int = 0) -> str:
    """A query from the whole grammar, written with varied spacing and spellings."""
    leaves = [
        "Acme",
        '"Acme Cloud"',
        "tiding*",
        "#tidings",
        "@acme",
        "case:Apple",
        "Social-Media",
        "Müller",
        "lang:de",
        "-source:reddit",
        "NOT site:example.com",
        'author:"Maya L"',
    ]
    if depth > 2 or rng.random() < 0.35:
        return rng.choice(leaves)
    left, right = _random_query(rng, depth + 1), _random_query(rng, depth + 1)
    joiner = rng.choice([" ", " AND ", " OR ", ", ", " NOT ", " -"])
    if rng.random() < 0.2:
        return f"({rng.choice(leaves[:7])} OR Globex) NEAR/{rng.randrange(6)} {leaves[0]}"
    text = f"{left}{joiner}{right}"
    return f"({text})" if rng.random() < 0.3 else text


def test_many_generated_queries_print_to_a_form_that_parses_back_to_the_same_tree() -> None:
    rng = random.Random(11)
    checked = 0
    for _ in range(600):
        query = _random_query(rng)
        try:
            tree = parse(query)
        except QueryError:
            continue  # e.g. only filters: refused, which the tests above cover
        canonical = to_query(tree)
        assert parse(canonical) == tree, (query, canonical)
        assert to_query(parse(canonical)) == canonical
        checked += 1
    assert checked > 300
