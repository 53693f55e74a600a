"""Meta (Facebook Pages, Instagram): handshake, signatures, which changes become mentions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import Author
from chalicelib.errors import SignatureError, ValidationError
from chalicelib.webhooks import hub_signature
from chalicelib.webhooks.meta import answer_handshake, parse_delivery

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "meta"
PAGE_FEED = (FIXTURES / "page_feed_dashboard_test_delivery.json").read_bytes()


def delivery(kind: str, *changes: tuple[str, dict[str, Any]], time: int = 1763719200) -> bytes:
    return json.dumps(
        {
            "object": kind,
            "entry": [
                {
                    "id": "17841400000000000",
                    "time": time,
                    "changes": [{"field": f, "value": v} for f, v in changes],
                }
            ],
        }
    ).encode()


def test_the_handshake_echoes_the_challenge_when_the_token_matches() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}

    assert answer_handshake(params, "tok") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "tok", "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
    ids=["wrong-token", "wrong-mode", "nothing"],
)
def test_the_handshake_is_refused_otherwise(params: dict[str, str]) -> None:
    with pytest.raises(SignatureError):
        answer_handshake(params, "tok")


def test_the_dashboard_test_delivery_is_one_facebook_mention() -> None:
    result = parse_delivery(PAGE_FEED)

    [mention] = result.mentions
    assert (mention.source, mention.native_id) == ("facebook", "44444444_444444444")
    assert mention.text == "Example post content."
    assert mention.author == Author(name="Test Page", handle="1067280970047460")
    assert mention.published_at == datetime.fromtimestamp(1543608842, UTC)
    assert mention.url == "https://www.facebook.com/44444444_444444444"


def test_every_change_of_a_batch_is_a_mention_and_reactions_are_dropped() -> None:
    body = delivery(
        "page",
        (
            "feed",
            {
                "item": "comment",
                "verb": "add",
                "post_id": "1_2",
                "comment_id": "2_3",
                "message": "Acme is great",
                "from": {"id": "9", "name": "Ana"},
            },
        ),
        ("feed", {"item": "reaction", "verb": "add", "post_id": "1_2", "reaction_type": "like"}),
        (
            "mention",
            {
                "item": "post",
                "verb": "add",
                "post_id": "7_8",
                "sender_id": "5",
                "sender_name": "Bo",
            },
        ),
        ("feed", {"item": "status", "verb": "remove", "post_id": "1_2"}),
    )

    result = parse_delivery(body)

    assert [(m.native_id, m.text, m.author.name) for m in result.mentions] == [
        ("2_3", "Acme is great", "Ana"),
        ("7_8", "", "Bo"),
    ]
    assert result.dropped == ["page.feed.reaction.add", "page.feed.status.remove"]


def test_instagram_comments_and_mentions_are_mentions() -> None:
    body = delivery(
        "instagram",
        (
            "comments",
            {
                "id": "1789",
                "text": "love @acme",
                "from": {"id": "3", "username": "kim"},
                "media": {"id": "555", "media_product_type": "FEED"},
            },
        ),
        ("mentions", {"media_id": "777", "comment_id": "888"}),
        ("story_insights", {"media_id": "1"}),
    )

    result = parse_delivery(body)

    assert [(m.source, m.native_id, m.text, m.author.handle) for m in result.mentions] == [
        ("instagram", "1789", "love @acme", "kim"),
        ("instagram", "888", "", ""),
    ]
    assert result.mentions[0].published_at == datetime.fromtimestamp(1763719200, UTC)
    assert result.dropped == ["instagram.story_insights"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"object": "page", "entry": [', "not valid JSON"),
        (b"[]", "JSON object"),
        (b'{"object": "whatsapp_business_account", "entry": []}', "expected"),
        (delivery("page", ("feed", {"item": "status", "verb": "add"})), "no post_id"),
    ],
    ids=["truncated", "array", "other-object", "no-id"],
)
def test_a_malformed_delivery_says_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_delivery(body)


def test_the_signature_is_checked_on_the_bytes_meta_sent() -> None:
    # Meta signs the escaped form: re-serialising the parsed JSON would change the bytes.
    body = b'{"object":"page","entry":[],"note":"\\u00e4\\u00f6\\u00e5"}'
    header = hub_signature.digest("app-secret", body, "sha256")

    hub_signature.verify(
        "app-secret", body, header, header_name="X-Hub-Signature-256", algorithm="sha256"
    )
    with pytest.raises(SignatureError, match="does not match"):
        hub_signature.verify(
            "app-secret",
            '{"object":"page","entry":[],"note":"äöå"}'.encode(),
            header,
            header_name="X-Hub-Signature-256",
            algorithm="sha256",
        )
    with pytest.raises(SignatureError, match="missing X-Hub-Signature-256"):
        hub_signature.verify(
            "app-secret", body, None, header_name="X-Hub-Signature-256", algorithm="sha256"
        )
