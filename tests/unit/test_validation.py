"""What a user sends to create or update a watch becomes a Watch, or a message naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.domain.validation import watch_from_input
from chalicelib.errors import ValidationError

KNOWN = ("hackernews", "rss")
FEED = "https://blog.example/feed.xml"


def refused(data: Any, watch_id: str | None = None) -> str:
    """The message a user would see for this input."""
    with pytest.raises(ValidationError) as raised:
        watch_from_input(data, KNOWN, watch_id)
    return str(raised.value)


def test_a_complete_valid_input_becomes_the_watch() -> None:
    # Given every field, well formed
    data = {
        "id": "acme-2026",
        "name": "  Acme brand  ",
        "query": '  Acme OR "Acme Cloud"  ',
        "sources": ["hackernews", {"kind": "rss", "target": FEED}],
        "retention_days": 90,
        "enabled": False,
    }

    # When it is validated
    result = watch_from_input(data, KNOWN)

    # Then it is the watch the user described, trimmed
    assert result == Watch(
        id="acme-2026",
        name="Acme brand",
        query='Acme OR "Acme Cloud"',
        sources=(SourceRef("hackernews"), SourceRef("rss", FEED)),
        retention_days=90,
        enabled=False,
    )


def test_a_minimal_input_gets_the_defaults() -> None:
    # Given only an id and a query
    # When validated
    result = watch_from_input({"id": "acme", "query": "Acme"}, KNOWN)

    # Then the name is the id, no sources, a year's retention, enabled
    assert result == Watch(id="acme", name="acme", query="Acme")
    assert (result.retention_days, result.enabled, result.sources) == (365, True, ())


def test_the_id_can_come_from_the_path_alone() -> None:
    # Given an update whose body leaves the id out
    # When validated with the path's id
    result = watch_from_input({"query": "Acme"}, KNOWN, "acme")

    # Then the watch has the path's id
    assert result.id == "acme"


def test_the_same_id_in_body_and_path_is_accepted() -> None:
    assert watch_from_input({"id": "acme", "query": "Acme"}, KNOWN, "acme").id == "acme"


@pytest.mark.parametrize(
    "bad_id",
    ["", "Acme", "-acme", "acme_1", "acme corp", "a" * 64, "acmé", 42, None, True],
    ids=[
        "empty",
        "uppercase",
        "leading-dash",
        "underscore",
        "space",
        "too-long",
        "accent",
        "number",
        "missing",
        "bool",
    ],
)
def test_a_bad_id_is_refused_saying_what_an_id_may_be(bad_id: Any) -> None:
    # Given a watch whose id is not a slug
    # When validated
    message = refused({"id": bad_id, "query": "Acme"})

    # Then the message names the field and the rule
    assert message.startswith("id must be")
    assert "lowercase letters, digits or dashes" in message


def test_the_longest_allowed_id_is_accepted() -> None:
    assert watch_from_input({"id": "a" * 63, "query": "Acme"}, KNOWN).id == "a" * 63


def test_an_id_with_a_trailing_newline_is_refused() -> None:
    # Given an id that is a valid slug followed by a newline
    # When validated
    # Then it is refused like any other id with a character outside the rule
    assert refused({"id": "acme\n", "query": "Acme"}).startswith("id must be")


def test_an_id_in_the_body_that_differs_from_the_path_is_refused() -> None:
    message = refused({"id": "globex", "query": "Acme"}, watch_id="acme")

    assert message == "id in the body does not match the id in the path"


@pytest.mark.parametrize(
    "data",
    [
        {"id": "acme"},
        {"id": "acme", "query": ""},
        {"id": "acme", "query": "   "},
        {"id": "acme", "query": 7},
    ],
    ids=["missing", "empty", "blank", "not-a-string"],
)
def test_a_missing_query_is_refused(data: dict[str, Any]) -> None:
    assert refused(data).startswith("query is required")


def test_a_query_that_cannot_be_parsed_is_refused_with_the_reason() -> None:
    message = refused({"id": "acme", "query": 'Acme "Cloud'})

    assert message == (
        'query: position 5: expected a closing quote (") for the phrase that starts here'
    )


def test_a_query_of_only_separators_is_refused() -> None:
    message = refused({"id": "acme", "query": "OR , OR"})

    assert message == 'query: position 0: expected a term, a "phrase" or "(" before OR'


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Acme AND", 'query: position 8: expected a term, a "phrase" or "(" after AND'),
        ("(Acme OR Globex", 'query: position 15: expected ")" to close the ( at position 0'),
        ("Acme NEAR Globex", "query: position 5: expected a number of words after NEAR/"),
        ("lang:de", "query: position 0: expected at least one term to look for"),
    ],
)
def test_a_query_with_a_syntax_error_is_refused_naming_position_and_expectation(
    query: str, message: str
) -> None:
    assert refused({"id": "acme", "query": query}).startswith(message)


def test_a_query_in_the_full_language_is_accepted_as_written() -> None:
    query = '(Acme OR "Acme Cloud" OR acme*) NEAR/5 outage -jobs lang:en -site:acme.com'

    assert watch_from_input({"id": "acme", "query": query}, KNOWN).query == query


@pytest.mark.parametrize("name", ["", "   ", 5, "x" * 201])
def test_a_bad_name_is_refused(name: Any) -> None:
    assert refused({"id": "acme", "name": name, "query": "Acme"}).startswith("name must be")


def test_unknown_fields_are_refused_and_listed() -> None:
    # Given a body with fields Tidings does not know (a typo among them)
    # When validated
    message = refused({"id": "acme", "query": "Acme", "colour": "red", "retention": 3})

    # Then the message lists them all
    assert message == "unknown fields: colour, retention"


@pytest.mark.parametrize("body", [[], "acme", 3, None])
def test_a_body_that_is_not_an_object_is_refused(body: Any) -> None:
    assert refused(body) == "the body must be a JSON object"


def test_an_unknown_source_kind_is_refused_listing_the_known_ones() -> None:
    # Given a source kind no connector exists for
    # When validated
    message = refused({"id": "acme", "query": "Acme", "sources": ["hackernews", "twitter"]})

    # Then the message points at the entry and lists what is available
    assert message == "sources[1]: unknown source 'twitter'; known: hackernews, rss"


@pytest.mark.parametrize(
    "source",
    [
        {"kind": "rss"},
        "rss",
        {"kind": "rss", "target": ""},
        {"kind": "rss", "target": "ftp://blog.example/feed"},
        {"kind": "rss", "target": "blog.example/feed"},
        {"kind": "rss", "target": "https://"},
    ],
    ids=["no-target", "bare-kind", "empty", "ftp", "no-scheme", "no-host"],
)
def test_an_rss_source_needs_an_http_or_https_target(source: Any) -> None:
    message = refused({"id": "acme", "query": "Acme", "sources": [source]})

    assert message == "sources[0]: rss needs a target http(s) URL"


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ("rss", "sources must be a list"),
        ({"kind": "rss"}, "sources must be a list"),
        ([7], "sources[0] must be a kind name"),
        ([{"target": FEED}], "sources[0] must be a kind name"),
        ([{"kind": "rss", "target": 7}], "sources[0].target must be a string"),
    ],
)
def test_malformed_sources_are_refused_naming_the_entry(sources: Any, message: str) -> None:
    assert refused({"id": "acme", "query": "Acme", "sources": sources}).startswith(message)


@pytest.mark.parametrize("retention", [0, -1, 3651, 30.5, "30", True, None])
def test_retention_out_of_range_or_not_a_whole_number_is_refused(retention: Any) -> None:
    message = refused({"id": "acme", "query": "Acme", "retention_days": retention})

    assert message == "retention_days must be a whole number from 1 to 3650"


@pytest.mark.parametrize("retention", [1, 3650])
def test_retention_at_the_bounds_is_accepted(retention: int) -> None:
    data = {"id": "acme", "query": "Acme", "retention_days": retention}

    assert watch_from_input(data, KNOWN).retention_days == retention


@pytest.mark.parametrize("enabled", ["true", 1, 0, None])
def test_enabled_must_be_true_or_false(enabled: Any) -> None:
    message = refused({"id": "acme", "query": "Acme", "enabled": enabled})

    assert message == "enabled must be true or false"


def test_duplicate_sources_collapse_to_one() -> None:
    # Given the same sources listed several times, in both spellings
    data = {
        "id": "acme",
        "query": "Acme",
        "sources": [
            "hackernews",
            {"kind": "rss", "target": FEED},
            {"kind": "hackernews"},
            {"kind": "rss", "target": FEED},
            {"kind": "rss", "target": "https://other.example/feed"},
        ],
    }

    # When validated
    result = watch_from_input(data, KNOWN)

    # Then each distinct source appears once, in the order first given
    assert result.sources == (
        SourceRef("hackernews"),
        SourceRef("rss", FEED),
        SourceRef("rss", "https://other.example/feed"),
    )
