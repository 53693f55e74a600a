"""What the query language finds in a mention: operators, wildcards, proximity, hashtags,
handles, filters, folding, compounds, and the spans that show where."""

from __future__ import annotations

import random

import pytest

from bench import bench_match
from chalicelib.domain.matching import Document, Match, WatchMatcher
from chalicelib.domain.models import Watch
from chalicelib.domain.query import Span, compiler
from chalicelib.domain.query.trial import QueryTrial


def watch(watch_id: str, query: str) -> Watch:
    return Watch(id=watch_id, name=watch_id, query=query)


def hits(query: str, text: str, **facts: str) -> bool:
    return bool(WatchMatcher([watch("w", query)]).match(Document(text=text, **facts)))


def only(query: str, text: str, **facts: str) -> Match:
    [found] = WatchMatcher([watch("w", query)]).match(Document(text=text, **facts))
    return found


# Boolean operators


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Acme AND Globex", "Acme buys Globex", True),
        ("Acme AND Globex", "Acme buys Initech", False),
        ("Acme -jobs", "Acme is great", True),
        ("Acme -jobs", "Acme jobs in Berlin", False),
        ("Acme NOT (jobs OR careers)", "Acme careers page", False),
        ("(Acme OR Globex) outage", "Globex outage today", True),
        ("(Acme OR Globex) outage", "Globex is fine", False),
        ("Acme OR Globex -jobs", "Acme jobs", True),  # AND binds tighter: Acme OR (Globex -jobs)
        ("Acme OR Globex -jobs", "Globex jobs", False),
    ],
)
def test_boolean_operators(query: str, text: str, expected: bool) -> None:
    assert hits(query, text) is expected


# Wildcards, hashtags, handles, case


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Tidings is out", True), ("tiding", True), ("#tidings rocks", True), ("untidings", False)],
)
def test_a_prefix_wildcard_matches_words_that_start_with_it(text: str, expected: bool) -> None:
    assert hits("tiding*", text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("#tidings", "Loving #Tidings today", True),
        ("#tidings", "Loving Tidings today", False),
        ("tidings", "Loving #tidings today", True),
        ("@acme", "thanks @Acme for the fix", True),
        ("@acme", "thanks Acme for the fix", False),
        ("@acme", "write to help@acme.com", False),
    ],
)
def test_hashtags_and_handles(query: str, text: str, expected: bool) -> None:
    assert hits(query, text) is expected


def test_a_handle_also_matches_the_author_of_the_mention() -> None:
    # Given a watch for @acme and a post written by @Acme that does not name it
    found = only("@acme", "We fixed the login bug", author_handle="@Acme")

    # Then it matches, showing the author as where
    assert found.spans == (Span("author", 0, 5, "@acme"),)


@pytest.mark.parametrize(
    ("text", "expected"), [("Apple unveils", True), ("apple pie recipe", False), ("APPLE", False)]
)
def test_a_case_sensitive_term_tells_a_brand_from_a_common_word(text: str, expected: bool) -> None:
    assert hits("case:Apple", text) is expected


# Folding: case, accents, German, compounds


@pytest.mark.parametrize("text", ["Herr Müller", "Herr Mueller", "Herr Muller", "HERR MÜLLER"])
def test_an_umlaut_matches_its_spelled_out_and_plain_forms(text: str) -> None:
    assert hits("Müller", text)


def test_a_spelled_out_umlaut_matches_the_umlaut() -> None:
    assert hits("Mueller", "Herr Müller")
    assert not hits("Mueller", "Herr Muller")


@pytest.mark.parametrize(("query", "text"), [("Straße", "Strasse"), ("Strasse", "STRASSE")])
def test_sharp_s_matches_ss(query: str, text: str) -> None:
    assert hits(query, text)


@pytest.mark.parametrize("text", ["Social Media", "social-media", "SocialMedia", "socialmedia"])
def test_a_hyphenated_term_matches_spaced_hyphenated_and_joined_forms(text: str) -> None:
    assert hits("Social-Media", f"Wir lieben {text} Marketing")


def test_a_phrase_does_not_match_a_longer_compound() -> None:
    assert not hits('"Social Media"', "SocialMediaMarketing")


# Proximity


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Acme NEAR/2 outage", "Acme has an outage", True),
        ("Acme NEAR/1 outage", "Acme has an outage", False),
        ("Acme NEAR/2 outage", "outage at Acme", True),
        ("Acme ONEAR/2 outage", "outage at Acme", False),
        ("Acme ONEAR/2 outage", "Acme had outage", True),
        ('"Acme Cloud" NEAR/0 (down OR outage)', "Acme Cloud down", True),
        ("(Acme OR Globex) NEAR/3 outage", "Globex reports outage", True),
        ("Acme NEAR/5 outage", "Acme is fine. Elsewhere: " + "x " * 10 + "outage", False),
    ],
)
def test_near_counts_the_words_between(query: str, text: str, expected: bool) -> None:
    assert hits(query, text) is expected


def test_near_never_joins_title_and_text() -> None:
    assert not hits("Acme NEAR/3 outage", "outage reported", title="Acme")


# Filters


@pytest.mark.parametrize(
    ("query", "facts", "expected"),
    [
        ("Acme lang:de", {"language": "de"}, True),
        ("Acme lang:de", {"language": "de-AT"}, True),
        ("Acme lang:de", {"language": "en"}, False),
        ("Acme -lang:de", {"language": "de"}, False),
        ("Acme source:reddit", {"source": "reddit"}, True),
        ("Acme NOT source:reddit", {"source": "reddit"}, False),
        ("Acme site:example.com", {"url": "https://example.com/a"}, True),
        ("Acme site:example.com", {"url": "https://blog.example.com/a"}, True),
        ("Acme site:example.com", {"url": "https://notexample.com/a"}, False),
        ("Acme -domain:example.com", {"url": "http://www.example.com/"}, False),
        ('Acme author:"Maya Lindqvist"', {"author_name": "maya lindqvist"}, True),
        ("Acme author:@maya", {"author_handle": "@Maya"}, True),
        ("Acme author:maya", {"author_handle": "maya", "author_name": "M"}, True),
        ("Acme -author:maya", {"author_handle": "@maya"}, False),
        ("Acme author:maya", {"author_name": "Maya Lindqvist"}, False),
    ],
)
def test_field_filters(query: str, facts: dict[str, str], expected: bool) -> None:
    assert hits(query, "Acme news", **facts) is expected


# What is reported


def test_a_match_reports_terms_in_text_order_with_spans_into_title_and_text() -> None:
    # Given a watch with a phrase and a wildcard
    matcher = WatchMatcher([watch("w", '"Acme Cloud" OR tiding*')])

    # When a mention has them in its title and its text
    [found] = matcher.match(Document(title="Tidings & Acme", text="We use Acme  Cloud."))

    # Then the terms are listed once as written, with every span (offsets into each field)
    assert found.terms == ("tiding*", "Acme Cloud")
    assert found.spans == (
        Span("title", 0, 7, "tiding*"),
        Span("text", 7, 18, "Acme Cloud"),
    )


def test_excluded_terms_and_filters_are_not_reported_as_matched() -> None:
    found = only("Acme -jobs lang:en", "Acme news", language="en")

    assert found.terms == ("Acme",)


def test_a_mention_matching_several_watches_matches_each_with_its_own_terms() -> None:
    matcher = WatchMatcher(
        [
            watch("brand", "Acme -jobs"),
            watch("rivals", "(Globex OR Initech) NEAR/3 (cheaper OR better)"),
            watch("german", "Acme lang:de"),
        ]
    )

    found = matcher.match(Document(text="Globex is cheaper than Acme", language="en"))

    assert [(m.watch_id, m.terms) for m in found] == [
        ("brand", ("Acme",)),
        ("rivals", ("Globex", "cheaper")),
    ]


def test_a_watch_whose_rare_term_is_absent_is_not_matched_by_its_common_words() -> None:
    # Given many watches sharing common words with one distinctive term each
    watches = [watch(f"w{i}", f"Brand{i} (outage OR down)") for i in range(50)]
    matcher = WatchMatcher(watches)

    # When a mention has only the common words and one brand
    found = matcher.match(Document(text="Brand7 is down, total outage"))

    # Then exactly that brand's watch matches
    assert [m.watch_id for m in found] == ["w7"]


def test_the_matcher_keeps_giving_the_same_answer_as_its_word_cache_fills(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a word cache that must be emptied several times along the way
    monkeypatch.setattr(compiler, "_CACHE_LIMIT", 20)
    matcher = WatchMatcher([watch("w", "Acme NEAR/1 Cloud")])
    texts = [f"word{i} Acme Cloud" for i in range(50)] + ["Acme x y Cloud"]

    results = [bool(matcher.match(Document(text=t))) for t in texts + texts]

    assert results == ([True] * 50 + [False]) * 2


def test_a_watch_matches_in_a_large_set_exactly_when_it_matches_alone() -> None:
    # Given 100 realistic watches (the benchmark's) and 250 realistic mentions
    rng = random.Random(5)
    names = bench_match.brands(100, rng)
    watches = [watch(f"w{i}", bench_match.query_for(n, rng)) for i, n in enumerate(names)]
    docs = [bench_match.mention(names, rng) for _ in range(250)]
    together = WatchMatcher(watches)
    alone = {w.id: QueryTrial(w.query) for w in watches}

    # When each mention is matched by the whole set and by each watch on its own
    for doc in docs:
        found = {m.watch_id: m.terms for m in together.match(doc)}
        for w in watches:
            verdict = alone[w.id].verdict(doc)
            # Then they agree, terms included: no watch's answer depends on the others
            assert (w.id in found) is verdict.match, (w.query, doc.text)
            if verdict.match:
                assert found[w.id] == verdict.terms
