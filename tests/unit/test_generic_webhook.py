"""What Zapier, Make, n8n or a company's own system posts becomes one Mention, or a clear 400."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.models import Author, Mention
from chalicelib.errors import ValidationError
from chalicelib.webhooks.generic import parse_mention

DOCUMENTED = {
    "id": "42",
    "text": "Acme refunded me within an hour.",
    "published_at": "2026-11-21T10:00:00Z",
    "url": "https://reviews.example/42",
    "title": "Great service",
    "source": "zapier",
    "language": "en",
    "author": {
        "name": "Dana",
        "handle": "@dana",
        "url": "https://reviews.example/u/dana",
        "reach": 1200,
    },
    "engagement": {"likes": 3, "shares": 0},
}
MINIMAL = {"id": "42", "text": "Acme!", "published_at": "2026-11-21T10:00:00Z"}


def body(data: Any) -> bytes:
    return json.dumps(data).encode()


def with_(**changes: Any) -> dict[str, Any]:
    return {**MINIMAL, **changes}


def without(name: str) -> dict[str, Any]:
    return {k: v for k, v in MINIMAL.items() if k != name}


def refused(raw: bytes) -> str:
    with pytest.raises(ValidationError) as raised:
        parse_mention(raw, "zap")
    return str(raised.value)


def test_the_documented_shape_becomes_a_mention_with_every_field() -> None:
    # Given the body the documentation shows
    # When it arrives on the "zap" integration
    mention = parse_mention(body(DOCUMENTED), "zap")

    # Then every field is carried over, the body's source winning over the integration name
    assert mention == Mention(
        source="zapier",
        native_id="42",
        url="https://reviews.example/42",
        text="Acme refunded me within an hour.",
        published_at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
        title="Great service",
        author=Author(
            name="Dana", handle="@dana", url="https://reviews.example/u/dana", reach=1200
        ),
        language="en",
        engagement={"likes": 3, "shares": 0},
    )


def test_a_minimal_body_gets_empty_optional_fields_and_the_integration_as_source() -> None:
    # Given only the three required fields
    # When it arrives on the "zap" integration
    mention = parse_mention(body(MINIMAL), "zap")

    # Then the source is the integration's name and the rest is empty
    assert mention.source == "zap"
    assert (mention.url, mention.title, mention.language) == ("", "", None)
    assert mention.author == Author()
    assert mention.engagement == {}


def test_a_numeric_id_is_accepted_as_a_string() -> None:
    mention = parse_mention(body(with_(id=991)), "zap")

    assert mention.native_id == "991"
    assert mention.key == parse_mention(body(with_(id="991")), "zap").key


def test_a_time_with_an_offset_keeps_its_instant() -> None:
    mention = parse_mention(body(with_(published_at="2026-11-21T11:00:00+01:00")), "zap")

    assert mention.published_at == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert mention.published_at.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("field", ["id", "text", "published_at"])
@pytest.mark.parametrize("how", ["missing", "null", "empty"])
def test_a_required_field_left_out_is_refused_naming_it(field: str, how: str) -> None:
    # Given a body without one of the required fields
    data = without(field) if how == "missing" else with_(**{field: None if how == "null" else ""})

    # When parsed
    # Then the message says which field is required
    assert refused(body(data)) == f"{field} is required"


@pytest.mark.parametrize("value", ["2026-11-21T10:00:00", "2026-11-21"])
def test_a_time_without_a_time_zone_is_refused(value: str) -> None:
    message = refused(body(with_(published_at=value)))

    assert message == "published_at needs a time zone (e.g. Z or +01:00)"


@pytest.mark.parametrize("value", ["yesterday", "21/11/2026 10:00", "2026-13-01T00:00:00Z"])
def test_a_time_that_is_not_iso_8601_is_refused(value: str) -> None:
    assert refused(body(with_(published_at=value))) == "published_at must be an ISO 8601 time"


@pytest.mark.parametrize("reach", [-1, "1200", 12.5, True, [1]])
def test_a_bad_author_reach_is_refused(reach: Any) -> None:
    message = refused(body(with_(author={"name": "Dana", "reach": reach})))

    assert message == "author.reach must be a non-negative whole number"


def test_an_author_that_is_not_an_object_is_refused() -> None:
    assert refused(body(with_(author="Dana"))) == "author must be an object"


@pytest.mark.parametrize(
    "engagement", [{"likes": "3"}, {"likes": 3.5}, {"likes": True}, {"likes": None}, [3], 3]
)
def test_engagement_that_is_not_whole_numbers_is_refused(engagement: Any) -> None:
    message = refused(body(with_(engagement=engagement)))

    assert message == "engagement must be an object of whole numbers"


@pytest.mark.parametrize("data", [[MINIMAL], "a mention", 42, None])
def test_a_body_that_is_not_a_json_object_is_refused(data: Any) -> None:
    assert refused(body(data)) == "body must be a JSON object"


@pytest.mark.parametrize("raw", [b'{"id": "1", "text": ', b"", b"not json", b"\xff\xfe\x00garbage"])
def test_a_body_that_is_not_valid_json_is_refused(raw: bytes) -> None:
    assert refused(raw).startswith("body is not valid JSON")


@pytest.mark.parametrize(
    ("field", "limit"),
    [("id", 200), ("text", 40_000), ("url", 2000), ("title", 1000), ("language", 10)],
)
def test_an_overlong_field_is_refused_naming_it_and_its_limit(field: str, limit: int) -> None:
    # Given a field just at its limit, and one character over
    at_limit = parse_mention(body(with_(**{field: "x" * limit})), "zap")
    message = refused(body(with_(**{field: "x" * (limit + 1)})))

    # Then the first is accepted, the second refused with the field and limit named
    assert at_limit is not None
    assert message == f"{field} is longer than {limit} characters"


@pytest.mark.parametrize("field", ["text", "url", "title", "language", "source"])
def test_a_field_that_is_not_a_string_is_refused_naming_it(field: str) -> None:
    assert refused(body(with_(**{field: ["x"]}))) == f"{field} must be a string"


@pytest.mark.parametrize("source", ["Zapier", "my source", "-zap", "z" * 41])
def test_a_source_name_outside_the_rule_is_refused(source: str) -> None:
    message = refused(body(with_(source=source)))

    assert message == "source must be lowercase letters, digits, '.', '_' or '-'"


def test_a_source_name_with_a_trailing_newline_is_refused() -> None:
    # Given a source that is a valid name followed by a newline
    # When parsed
    # Then it is refused like any other character outside the rule
    message = refused(body(with_(source="zapier\n")))

    assert message == "source must be lowercase letters, digits, '.', '_' or '-'"


def test_the_mention_key_depends_only_on_source_and_id() -> None:
    # Given the same post delivered twice with different details (edited text, more likes)
    first = parse_mention(body(DOCUMENTED), "zap")
    edited = {
        **DOCUMENTED,
        "text": "Edited: Acme refunded me.",
        "published_at": "2026-11-21T12:00:00+02:00",
        "engagement": {"likes": 30},
        "author": {"name": "Dana D."},
    }
    second = parse_mention(body(edited), "other-integration")

    # Then both have the same key, so the second is recognised as a redelivery
    assert first.key == second.key


def test_the_mention_key_differs_by_source_and_by_id() -> None:
    base = parse_mention(body(MINIMAL), "zap")
    other_source = parse_mention(body(MINIMAL), "make")
    other_id = parse_mention(body(with_(id="43")), "zap")

    assert len({base.key, other_source.key, other_id.key}) == 3
