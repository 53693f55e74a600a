"""The matcher decides which watches a mention belongs to: whole words, any case, any accents."""

from __future__ import annotations

import pytest

from chalicelib.domain.matching import Document, QueryError, WatchMatcher, parse_terms
from chalicelib.domain.models import Watch

Found = list[tuple[str, tuple[str, ...]]]


def watch(watch_id: str, query: str, *, enabled: bool = True) -> Watch:
    return Watch(id=watch_id, name=watch_id, query=query, enabled=enabled)


def found_by(matcher: WatchMatcher, text: str, title: str = "") -> Found:
    """What a user sees: each matching watch and its terms as it wrote them."""
    return [(m.watch_id, m.terms) for m in matcher.match(Document(text=text, title=title))]


def matches(query: str, text: str, title: str = "") -> Found:
    return found_by(WatchMatcher([watch("w", query)]), text, title)


# Whole words


@pytest.mark.parametrize(
    "text",
    [
        "Acme is down",
        "I love acme.",
        "(ACME) support",
        "Acme's checkout",
        "Tried acme, then left",
        "line one\nacme",
    ],
)
def test_a_term_matches_as_a_whole_word_anywhere_in_the_text(text: str) -> None:
    # Given a watch for "Acme"
    # When a text uses the word on its own
    found = matches("Acme", text)

    # Then the watch matches with its term
    assert found == [("w", ("Acme",))]


@pytest.mark.parametrize(
    "text", ["Acmes are everywhere", "Welcome to acmeville", "NotAcme", "a_acme"]
)
def test_a_term_does_not_match_inside_a_longer_word(text: str) -> None:
    # Given a watch for "Acme"
    # When a text only contains the letters inside another word
    found = matches("Acme", text)

    # Then nothing matches
    assert found == []


# Case and accents


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Café", "best cafe in town"),
        ("cafe", "Le CAFÉ du coin"),
        ("Brûlée", "creme brulee for dessert"),
        ("Straße", "STRASSE closed"),
        ("ACME", "acme"),
    ],
)
def test_matching_ignores_case_and_accents(query: str, text: str) -> None:
    # Given a watch whose term differs from the text only in case or accents
    # When the text is matched
    found = matches(query, text)

    # Then the watch matches, reporting the term as the user wrote it
    assert found == [("w", (query,))]


def test_a_decomposed_accent_in_the_text_still_matches() -> None:
    # Given a watch for "Café" and a text whose é is e + combining accent
    text = "Cafe\u0301 opening"

    # When it is matched
    found = matches("Café", text)

    # Then it matches like the composed form
    assert found == [("w", ("Café",))]


# Phrases


@pytest.mark.parametrize(
    "text",
    [
        "Acme Cloud is down",
        "acme   cloud is down",
        "Acme\tCloud",
        "Acme\nCloud",
    ],
)
def test_a_quoted_phrase_matches_with_any_whitespace_between_its_words(text: str) -> None:
    # Given a watch for the phrase "Acme Cloud"
    # When the words appear together, separated by any whitespace
    found = matches('"Acme Cloud"', text)

    # Then the phrase matches
    assert found == [("w", ("Acme Cloud",))]


@pytest.mark.parametrize("text", ["Acme in the cloud", "Cloud Acme", "Acme Cloudy", "Acme"])
def test_a_quoted_phrase_needs_its_words_together_and_in_order(text: str) -> None:
    # Given a watch for the phrase "Acme Cloud"
    # When the text has the words apart, reversed, or only as part of a longer word
    found = matches('"Acme Cloud"', text)

    # Then nothing matches
    assert found == []


def test_a_phrase_written_with_extra_spaces_matches_normal_text() -> None:
    # Given a phrase typed with several spaces
    # When matched against text with single spaces
    found = matches('"Acme    Cloud"', "Acme Cloud pricing")

    # Then it matches
    assert found == [("w", ("Acme    Cloud",))]


# OR and commas


@pytest.mark.parametrize("query", ["Acme OR Globex", "Acme, Globex", "Acme,Globex"])
def test_terms_joined_by_or_or_commas_each_match(query: str) -> None:
    # Given a watch with two terms
    assert parse_terms(query) == ("Acme", "Globex")

    # When a text mentions only the second one
    found = matches(query, "Globex raised prices")

    # Then the watch matches on that term
    assert found == [("w", ("Globex",))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Globex raised prices", []), ("Acme and Globex merge", [("w", ("Acme", "Globex"))])],
)
def test_terms_side_by_side_must_all_appear(text: str, expected: Found) -> None:
    # Given a watch whose two terms are separated by a space only (an implicit AND)
    # When a text mentions one or both
    # Then it matches only with both
    assert matches("Acme Globex", text) == expected


def test_a_lowercase_or_is_a_word_to_look_for_not_an_operator() -> None:
    # Given a query using "or" in lower case
    # When a text has both terms but not the word "or"
    # Then it does not match: operators are written in capitals
    assert matches("Acme or Globex", "Acme and Globex") == []
    assert matches("Acme or Globex", "Acme or Globex") == [("w", ("Acme", "or", "Globex"))]


def test_all_matched_terms_are_listed_once_in_the_order_found() -> None:
    # Given a watch with a term and a phrase
    query = 'Globex OR "Acme Cloud", Initech'

    # When a text mentions them, some several times
    found = matches(query, "Acme Cloud beats Globex. Globex? acme cloud again, globex")

    # Then each matched term is listed once, as the user wrote it
    assert found == [("w", ("Acme Cloud", "Globex"))]


def test_parse_terms_reads_terms_and_phrases_in_order() -> None:
    # Given a query mixing words, phrases, OR and commas
    # When it is parsed
    terms = parse_terms('Acme OR "Acme Cloud", Globex,  "road runner", Acme')

    # Then every term and phrase comes out once, in order
    assert terms == ("Acme", "Acme Cloud", "Globex", "road runner")


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Acme (outage OR down) -jobs lang:en", ("Acme",)),
        ("(Acme OR Globex) NEAR/3 (outage OR down OR broken)", ("Acme", "Globex")),
        ('Globex "road runner"', ("Globex",)),
        ("#tidings OR tiding*", ("tidings", "tiding")),
    ],
)
def test_parse_terms_gives_what_a_source_must_search_for_to_miss_nothing(
    query: str, terms: tuple[str, ...]
) -> None:
    # Given a query whose every match contains one of a few terms
    # Then only those are searched for, not the words that merely narrow them
    assert parse_terms(query) == terms


# Several watches


def test_several_watches_sharing_a_term_each_get_their_own_match() -> None:
    # Given three watches, two of which share the term "Acme"
    matcher = WatchMatcher(
        [
            watch("brand", 'Acme OR "Acme Cloud"'),
            watch("competitors", "Globex, Acme"),
            watch("other", "Initech"),
        ]
    )

    # When a text mentions Acme twice and Globex
    found = found_by(matcher, "Acme vs Globex: acme wins")

    # Then each watch that listens for it gets one Match listing its own terms, once each
    assert found == [
        ("brand", ("Acme",)),
        ("competitors", ("Acme", "Globex")),
    ]


def test_each_watch_sees_the_term_spelled_as_it_wrote_it() -> None:
    # Given two watches listening for the same word, spelled differently
    matcher = WatchMatcher([watch("fr", "Café"), watch("en", "CAFE")])

    # When a text mentions it
    found = found_by(matcher, "Best cafe in town")

    # Then each watch's match lists its own spelling of the term
    assert found == [("en", ("CAFE",)), ("fr", ("Café",))]


def test_a_watch_for_a_word_matches_when_another_watch_listens_for_a_phrase_containing_it() -> None:
    # Given one watch for "Acme" and another for the phrase "Acme Cloud"
    matcher = WatchMatcher([watch("brand", "Acme"), watch("product", '"Acme Cloud"')])

    # When a text says "Acme Cloud"
    found = found_by(matcher, "Acme Cloud is down again")

    # Then both watches match: whether one watch matches cannot depend on the others
    assert found == [
        ("brand", ("Acme",)),
        ("product", ("Acme Cloud",)),
    ]


def test_disabled_watches_never_match() -> None:
    # Given a disabled watch and an enabled one with the same term
    matcher = WatchMatcher([watch("off", "Acme", enabled=False), watch("on", "Acme")])

    # When a text mentions the term
    found = found_by(matcher, "Acme")

    # Then only the enabled watch matches
    assert found == [("on", ("Acme",))]


def test_no_watches_match_nothing() -> None:
    assert found_by(WatchMatcher([]), "Acme") == []


# Title and text


def test_both_title_and_text_are_searched() -> None:
    # Given two watches, one term for each
    matcher = WatchMatcher([watch("a", "Acme"), watch("g", "Globex")])

    # When the title names one and the text the other
    found = found_by(matcher, "Analysts compare it with Globex.", title="Acme quarterly results")

    # Then both watches match
    assert found == [("a", ("Acme",)), ("g", ("Globex",))]


def test_a_term_in_both_title_and_text_is_listed_once() -> None:
    found = matches("Acme", "More about Acme", title="Acme news")

    assert found == [("w", ("Acme",))]


def test_words_do_not_join_across_title_and_text() -> None:
    # Given a phrase whose first word ends the title and second word starts the text
    # When matched
    found = matches('"Acme Cloud"', "Cloud prices rise", title="News from Acme")

    # Then the phrase does not match: title and text are separate
    assert found == []


# Parse errors


@pytest.mark.parametrize(
    ("query", "position"),
    [('Acme "rocket', 5), ('"Acme', 0), ('"Acme Cloud" OR "Globex', 16)],
)
def test_an_unclosed_quote_is_refused_naming_its_position(query: str, position: int) -> None:
    # Given a query with a quote that is never closed
    # When it is parsed
    with pytest.raises(QueryError) as raised:
        parse_terms(query)

    # Then the error says so and where
    assert str(raised.value) == (
        f'position {position}: expected a closing quote (") for the phrase that starts here'
    )
    assert raised.value.position == position


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", 'position 0: expected a term, a "phrase" or "(": the query is empty'),
        ("   ", 'position 0: expected a term, a "phrase" or "(": the query is empty'),
        (",, ,", 'position 0: expected a term, a "phrase" or "(" before ,'),
        ("OR", 'position 0: expected a term, a "phrase" or "(" before OR'),
        ("Acme , OR", 'position 7: expected a term, a "phrase" or "(" after ,'),
        ('""', "position 0: expected words inside the quotes"),
        ('" "', "position 0: expected words inside the quotes"),
    ],
)
def test_a_query_without_terms_is_refused_saying_what_was_expected(
    query: str, message: str
) -> None:
    # Given a query with nothing to listen for
    # When it is parsed
    with pytest.raises(QueryError) as raised:
        parse_terms(query)

    # Then the error names the position and what was expected there
    assert str(raised.value) == message


def test_a_matcher_for_a_watch_with_a_bad_query_cannot_be_built() -> None:
    with pytest.raises(QueryError, match="expected a closing quote"):
        WatchMatcher([watch("w", 'Acme "Cloud')])
