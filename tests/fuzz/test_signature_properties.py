"""Signature checks: a correct signature always verifies, any changed byte of the body, the
signature or the timestamp is refused with SignatureError, and no header string, however odd,
raises anything else."""

from __future__ import annotations

import base64

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from chalicelib.errors import SignatureError, ValidationError
from chalicelib.notify.slack_signature import MAX_AGE_S, slack_sign, verify_slack
from chalicelib.webhooks import hub_signature, signing
from chalicelib.webhooks.meta import answer_handshake
from chalicelib.webhooks.x_activity import crc_response

pytestmark = pytest.mark.fuzz

NOW = 1_795_000_000
# Secrets come from SSM: any valid text (no lone surrogates).
secrets = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
bodies = st.binary(max_size=300)
# What a client may put in a header: any characters, lone surrogates (undecodable bytes) too.
headers = st.text(st.characters(exclude_categories=["Co"]), max_size=120)
HUBS = [("sha256", "hex"), ("sha256", "base64"), ("sha1", "hex")]  # Meta, X, WebSub


def _flip(data: bytes, at: int, bit: int) -> bytes:
    """`data` with one bit changed (or a byte added to an empty value)."""
    if not data:
        return b"\x00"
    i = at % len(data)
    return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :]


def _flip_text(text: str, at: int, bit: int) -> str:
    return _flip(text.encode(), at, bit).decode("utf-8", "surrogateescape")


@pytest.mark.parametrize(("algorithm", "encoding"), HUBS)
@given(secret=secrets, body=bodies, at=st.integers(0, 10_000), bit=st.integers(0, 7))
def test_hub_signatures_verify_and_any_flipped_bit_is_refused(
    algorithm: hub_signature.Algorithm,
    encoding: hub_signature.Encoding,
    secret: str,
    body: bytes,
    at: int,
    bit: int,
) -> None:
    # Given a body signed the way the platform signs it
    header = hub_signature.digest(secret, body, algorithm, encoding)
    check = {"header_name": "X-Signature", "algorithm": algorithm, "encoding": encoding}
    # Then it verifies, and the same header with a changed body does not
    hub_signature.verify(secret, body, header, **check)  # type: ignore[arg-type]
    with pytest.raises(SignatureError):
        hub_signature.verify(secret, _flip(body, at, bit), header, **check)  # type: ignore[arg-type]
    # And a header with a changed byte is refused (hex is compared ignoring case, as sent)
    forged = _flip_text(header, at, bit)
    same = forged.strip() == header or (encoding == "hex" and forged.strip().lower() == header)
    if not same:
        with pytest.raises(SignatureError):
            hub_signature.verify(secret, body, forged, **check)  # type: ignore[arg-type]


@pytest.mark.parametrize(("algorithm", "encoding"), HUBS)
@given(secret=secrets, body=bodies, header=st.none() | headers)
@example(secret="s", body=b"", header="sha256=\udcff")
@example(secret="s", body=b"", header="sha1=\ud800")
def test_hub_signatures_refuse_any_header_with_a_signature_error(
    algorithm: hub_signature.Algorithm,
    encoding: hub_signature.Encoding,
    secret: str,
    body: bytes,
    header: str | None,
) -> None:
    with pytest.raises(SignatureError):
        hub_signature.verify(
            secret, body, header, header_name="X-Sig", algorithm=algorithm, encoding=encoding
        )


@given(
    secret=secrets,
    body=bodies,
    skew=st.integers(-300, 300),
    at=st.integers(0, 10_000),
    bit=st.integers(0, 7),
)
def test_generic_signatures_verify_and_any_change_is_refused(
    secret: str, body: bytes, skew: int, at: int, bit: int
) -> None:
    timestamp = NOW + skew
    signature = signing.sign(secret, timestamp, body)
    verify = {"now": NOW, "max_age_s": 300}
    assert signing.verify(secret, body, str(timestamp), signature, **verify) == timestamp
    with pytest.raises(SignatureError):
        signing.verify(secret, _flip(body, at, bit), str(timestamp), signature, **verify)
    with pytest.raises(SignatureError):
        signing.verify(secret, body, str(timestamp + 1 + at % 300), signature, **verify)
    forged = _flip_text(signature, at, bit)
    if forged.strip() != signature and "," not in forged:
        with pytest.raises(SignatureError):
            signing.verify(secret, body, str(timestamp), forged, **verify)


@given(secret=secrets, body=bodies, timestamp=st.none() | headers, signature=st.none() | headers)
@example(secret="s", body=b"", timestamp="1" * 5000, signature="v1=00")
@example(secret="s", body=b"", timestamp="\u0661\u0662", signature="v1=\udcff")
@example(secret="s", body=b"", timestamp=str(NOW), signature="v1=\ud800")
def test_generic_signatures_refuse_any_headers_with_a_signature_error(
    secret: str, body: bytes, timestamp: str | None, signature: str | None
) -> None:
    with pytest.raises(SignatureError):
        signing.verify(secret, body, timestamp, signature, now=NOW, max_age_s=300)


@given(
    secret=secrets,
    body=bodies,
    skew=st.integers(-MAX_AGE_S, MAX_AGE_S),
    at=st.integers(0, 10_000),
    bit=st.integers(0, 7),
)
def test_slack_signatures_verify_and_any_change_is_refused(
    secret: str, body: bytes, skew: int, at: int, bit: int
) -> None:
    timestamp = NOW + skew
    signature = slack_sign(secret, timestamp, body)
    verify_slack(secret, body, str(timestamp), signature, now=NOW)
    with pytest.raises(SignatureError):
        verify_slack(secret, _flip(body, at, bit), str(timestamp), signature, now=NOW)
    with pytest.raises(SignatureError):
        verify_slack(secret, body, str(timestamp - 1 - at % 300), signature, now=NOW)
    forged = _flip_text(signature, at, bit)
    with pytest.raises(SignatureError):
        verify_slack(secret, body, str(timestamp), forged, now=NOW)


@given(secret=secrets, body=bodies, timestamp=st.none() | headers, signature=st.none() | headers)
@example(secret="s", body=b"", timestamp=str(NOW), signature="v0=\udcff")
@example(secret="s", body=b"", timestamp="9" * 5000, signature="v0=00")
def test_slack_signatures_refuse_any_headers_with_a_signature_error(
    secret: str, body: bytes, timestamp: str | None, signature: str | None
) -> None:
    with pytest.raises(SignatureError):
        verify_slack(secret, body, timestamp, signature, now=NOW)


@given(secret=secrets, token=headers)
@example(secret="s", token="\udcff")
def test_x_crc_answers_the_token_or_says_it_is_missing(secret: str, token: str) -> None:
    try:
        answer = crc_response(secret, token)
    except ValidationError:
        assert not token or len(token) > 500
        return
    expected = hub_signature.digest(
        secret, token.encode("utf-8", "surrogatepass"), "sha256", "base64"
    )
    assert answer == {"response_token": expected}
    assert base64.b64decode(answer["response_token"].removeprefix("sha256="))


@given(
    verify_token=secrets,
    params=st.dictionaries(
        st.sampled_from(("hub.mode", "hub.verify_token", "hub.challenge", "other")), headers
    ),
)
def test_the_meta_handshake_echoes_or_refuses_clearly(
    verify_token: str, params: dict[str, str]
) -> None:
    try:
        challenge = answer_handshake(params, verify_token)
    except (SignatureError, ValidationError):
        return
    assert params["hub.mode"] == "subscribe"
    assert params["hub.verify_token"] == verify_token
    assert challenge == params["hub.challenge"]
