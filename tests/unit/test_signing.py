"""The generic webhook's signature: HMAC-SHA256 over "<timestamp>." + the raw body."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from chalicelib.errors import SignatureError
from chalicelib.webhooks.signing import sign, verify

SECRET = "s3cret"
BODY = b'{"id": "42", "text": "Acme is great", "published_at": "2026-11-21T10:00:00Z"}'
NOW = 1_795_000_000
WINDOW = 300


def check(signature: str, *, body: bytes = BODY, timestamp: str = str(NOW)) -> int:
    """Verify a request as the webhook route does, with our clock at NOW."""
    return verify(SECRET, body, timestamp, signature, now=NOW, max_age_s=WINDOW)


def refusal(signature: str, *, body: bytes = BODY, timestamp: str = str(NOW)) -> str:
    """The reason a request is refused (the webhook route answers 401 with it)."""
    with pytest.raises(SignatureError) as raised:
        check(signature, body=body, timestamp=timestamp)
    return str(raised.value)


def test_a_signature_made_by_sign_verifies_and_returns_its_timestamp() -> None:
    # Given a body signed now with the shared secret
    signature = sign(SECRET, NOW, BODY)

    # When it is verified
    timestamp = verify(SECRET, BODY, str(NOW), signature, now=NOW, max_age_s=WINDOW)

    # Then it is accepted
    assert timestamp == NOW


def test_the_signature_is_the_documented_hmac_of_timestamp_dot_body() -> None:
    # Given what a sender following the documentation would compute
    documented = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()

    # Then sign produces exactly that, with the scheme prefix
    assert sign(SECRET, NOW, BODY) == f"v1={documented}"


def test_a_body_with_one_flipped_byte_is_refused() -> None:
    # Given a signed body changed by one bit in transit
    tampered = bytearray(BODY)
    tampered[10] ^= 0x01

    # When verified
    message = refusal(sign(SECRET, NOW, BODY), body=bytes(tampered))

    # Then it is refused because the signature does not match
    assert message == "signature does not match"


def test_a_signature_made_with_another_secret_is_refused() -> None:
    message = refusal(sign("not-the-secret", NOW, BODY))

    assert message == "signature does not match"


def test_a_signature_for_another_timestamp_is_refused() -> None:
    # A captured signature cannot be replayed with a fresh timestamp
    message = refusal(sign(SECRET, NOW - 10, BODY))

    assert message == "signature does not match"


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [(None, "v1=abc"), ("", "v1=abc"), (str(NOW), ""), (None, None)],
    ids=["no-timestamp", "empty-timestamp", "empty-signature", "neither"],
)
def test_a_missing_header_is_refused_naming_both_headers(
    timestamp: str | None, signature: str | None
) -> None:
    with pytest.raises(SignatureError) as raised:
        verify(SECRET, BODY, timestamp, signature, now=NOW, max_age_s=WINDOW)

    assert str(raised.value) == "missing X-Tidings-Timestamp or X-Tidings-Signature header"


@pytest.mark.parametrize("timestamp", ["soon", "1795000000.5", "0x10", "1e9"])
def test_a_timestamp_that_is_not_whole_unix_seconds_is_refused(timestamp: str) -> None:
    message = refusal("v1=abc", timestamp=timestamp)

    assert message == "X-Tidings-Timestamp must be unix seconds"


@pytest.mark.parametrize("offset", [-301, 301], ids=["301s-old", "301s-in-the-future"])
def test_a_timestamp_outside_the_five_minute_window_is_refused(offset: int) -> None:
    # Given a correctly signed request whose timestamp is 301 s away from our clock
    timestamp = NOW + offset

    # When verified
    message = refusal(sign(SECRET, timestamp, BODY), timestamp=str(timestamp))

    # Then it is refused for its age, not for its signature
    assert message == "timestamp is outside the 5-minute window"


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_timestamp_at_the_edge_of_the_window_is_accepted(offset: int) -> None:
    timestamp = NOW + offset

    assert check(sign(SECRET, timestamp, BODY), timestamp=str(timestamp)) == timestamp


def test_during_secret_rotation_a_header_with_several_signatures_verifies_if_any_matches() -> None:
    # Given a sender signing with both the old and the new secret
    old, new = sign("old-secret", NOW, BODY), sign(SECRET, NOW, BODY)

    # When verified with the new secret, in either order and with spaces after commas
    # Then it is accepted
    assert check(f"{old}, {new}") == NOW
    assert check(f"{new},{old}") == NOW


def test_several_signatures_none_of_which_match_are_refused() -> None:
    header = f"{sign('old', NOW, BODY)}, {sign('older', NOW, BODY)}"

    assert refusal(header) == "signature does not match"


def test_a_signature_without_the_scheme_prefix_is_refused() -> None:
    bare = sign(SECRET, NOW, BODY).removeprefix("v1=")

    assert refusal(bare) == "signature does not match"


def test_a_signature_header_with_non_ascii_characters_is_refused_as_not_matching() -> None:
    # Given a forged request whose signature header carries non-ASCII characters
    # When verified
    # Then it is refused like any wrong signature (a SignatureError, so the API answers 401)
    assert refusal("v1=café") == "signature does not match"
