"""X Account Activity: the CRC answer, signatures, and which events become mentions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import SignatureError, ValidationError
from chalicelib.webhooks import hub_signature
from chalicelib.webhooks.x_activity import SIGNATURE_HEADER, crc_response, parse_delivery


def tweet(id_: str, text: str, user_id: str = "42", **extra: Any) -> dict[str, Any]:
    return {
        "id_str": id_,
        "text": text,
        "created_at": "Sat Nov 21 10:00:00 +0000 2026",
        "lang": "en",
        "favorite_count": 3,
        "user": {"id_str": user_id, "screen_name": "dana", "name": "Dana", "followers_count": 5400},
        **extra,
    }


def test_the_crc_answer_matches_the_published_example() -> None:
    # Inputs from X DevRel's example; the expected token as computed in source-apis.md §12.
    answer = crc_response(
        "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu",
        "9b4507b3-9040-4669-9ca3-6b94edb50553",
    )

    assert answer == {"response_token": "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="}


def test_a_crc_without_a_token_is_refused() -> None:
    with pytest.raises(ValidationError):
        crc_response("secret", "")


def test_posts_by_others_are_mentions_and_the_rest_is_dropped() -> None:
    body = json.dumps(
        {
            "for_user_id": "2244994945",
            "tweet_create_events": [
                tweet("1001", "@acme checkout is broken"),
                tweet("1002", "our own announcement", user_id="2244994945"),
            ],
            "favorite_events": [{"id": "x"}],
            "follow_events": [{"type": "follow"}],
        }
    ).encode()

    result = parse_delivery(body)

    [mention] = result.mentions
    assert (mention.source, mention.native_id, mention.text) == (
        "x",
        "1001",
        "@acme checkout is broken",
    )
    assert mention.url == "https://x.com/dana/status/1001"
    assert (mention.author.handle, mention.author.reach) == ("dana", 5400)
    assert mention.published_at == datetime(2026, 11, 21, 10, tzinfo=UTC)
    assert mention.engagement == {"likes": 3}
    assert sorted(result.dropped) == ["favorite_events", "follow_events", "own_post"]


def test_the_full_text_of_a_long_post_is_used() -> None:
    long = tweet("7", "truncated…", extended_tweet={"full_text": "the whole Acme story"})

    [mention] = parse_delivery(json.dumps({"tweet_create_events": [long]}).encode()).mentions

    assert mention.text == "the whole Acme story"


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'{"tweet_create_events": {}}', b'{"tweet_create_events": [{"text": "x"}]}'],
    ids=["truncated", "array", "not-a-list", "no-id"],
)
def test_a_malformed_delivery_is_refused(body: bytes) -> None:
    with pytest.raises(ValidationError):
        parse_delivery(body)


def test_the_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"for_user_id":"1","tweet_create_events":[]}'
    header = hub_signature.digest("consumer", body, "sha256", "base64")

    hub_signature.verify(
        "consumer",
        body,
        header,
        header_name=SIGNATURE_HEADER,
        algorithm="sha256",
        encoding="base64",
    )
    with pytest.raises(SignatureError):
        hub_signature.verify(
            "other",
            body,
            header,
            header_name=SIGNATURE_HEADER,
            algorithm="sha256",
            encoding="base64",
        )
