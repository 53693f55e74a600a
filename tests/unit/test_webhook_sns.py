"""Amazon SNS over HTTP: signatures (v1 SHA1, v2 SHA256), the pinned certificate host, age,
topic, and what a Notification becomes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib.errors import SignatureError, ValidationError
from chalicelib.webhooks.sns_http import (
    SnsVerifier,
    TopicNotAllowedError,
    parse_envelope,
    string_to_sign,
    to_mention,
)
from tests.support.sns_signer import TOPIC, SnsSigner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sns"
REAL_CERT = (
    FIXTURES / "SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"
).read_bytes()
REAL_MESSAGE = (FIXTURES / "notification_sigv2_aws-sdk-ruby_spec.json").read_bytes()
DOCS_CONFIRMATION = (FIXTURES / "subscription_confirmation_aws_docs_example.json").read_bytes()
CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem"


@pytest.fixture(scope="module")
def signer() -> SnsSigner:
    return SnsSigner(CERT_URL)


def verifier_for(pem: bytes, fetched: list[str] | None = None) -> SnsVerifier:
    def fetch(url: str) -> bytes:
        (fetched if fetched is not None else []).append(url)
        return pem

    return SnsVerifier(fetch)


def test_a_real_sns_signature_verifies_offline_with_the_recorded_certificate() -> None:
    data = parse_envelope(REAL_MESSAGE)
    fetched: list[str] = []

    message = verifier_for(REAL_CERT, fetched).verify(
        data, data["TopicArn"], datetime(2022, 7, 28, 21, 30, tzinfo=UTC)
    )

    assert (message.type, message.message) == ("Notification", "Hello world")
    assert fetched == [
        "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"
    ]


def test_the_real_message_with_one_changed_byte_is_refused() -> None:
    data = {**parse_envelope(REAL_MESSAGE), "Message": "Hello world!"}

    with pytest.raises(SignatureError, match="does not match"):
        verifier_for(REAL_CERT).verify(
            data, data["TopicArn"], datetime(2022, 7, 28, 21, 30, tzinfo=UTC)
        )


def test_the_string_to_sign_follows_the_documented_order() -> None:
    data = parse_envelope(DOCS_CONFIRMATION)
    order = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")

    signed = string_to_sign(data).decode()

    assert signed == "".join(f"{name}\n{data[name]}\n" for name in order)
    assert "SigningCertURL" not in signed


@pytest.mark.parametrize("version", ["1", "2"])
def test_both_signature_versions_verify(signer: SnsSigner, version: str) -> None:
    data = signer.message(version=version, Subject="Review")

    message = verifier_for(signer.pem).verify(data, TOPIC, datetime.now(UTC))

    assert (message.subject, message.message) == ("Review", "Acme support answered in minutes")


def test_the_certificate_is_fetched_once(signer: SnsSigner) -> None:
    fetched: list[str] = []
    verifier = verifier_for(signer.pem, fetched)

    for _ in range(3):
        verifier.verify(signer.message(), TOPIC, datetime.now(UTC))

    assert fetched == [CERT_URL]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Message": "forged"}, "does not match"),
        ({"SignatureVersion": "3"}, "SignatureVersion"),
        ({"Signature": "not base64!"}, "base64"),
        ({"SigningCertURL": "http://sns.us-east-1.amazonaws.com/c.pem"}, "https"),
        ({"SigningCertURL": "https://sns.us-east-1.amazonaws.com.evil.example/c.pem"}, "SNS host"),
        ({"SigningCertURL": "https://evil.example/sns.us-east-1.amazonaws.com/c.pem"}, "SNS host"),
        ({"SigningCertURL": "https://sns.us-east-1.amazonaws.com/c.txt"}, ".pem"),
    ],
    ids=["forged", "version", "garbled", "http", "suffix-host", "path-host", "not-pem"],
)
def test_a_forged_or_unpinned_message_is_refused(
    signer: SnsSigner, change: dict[str, str], message: str
) -> None:
    data = {**signer.message(), **change}

    with pytest.raises(SignatureError, match=message):
        verifier_for(signer.pem).verify(data, TOPIC, datetime.now(UTC))


def test_a_message_signed_by_another_key_is_refused(signer: SnsSigner) -> None:
    other = SnsSigner(CERT_URL)

    with pytest.raises(SignatureError, match="does not match"):
        verifier_for(signer.pem).verify(other.message(), TOPIC, datetime.now(UTC))


def test_a_message_older_than_an_hour_is_a_replay(signer: SnsSigner) -> None:
    old = signer.message(timestamp=datetime.now(UTC) - timedelta(minutes=61))

    with pytest.raises(SignatureError, match="older than one hour"):
        verifier_for(signer.pem).verify(old, TOPIC, datetime.now(UTC))


def test_another_topic_is_forbidden_even_when_signed(signer: SnsSigner) -> None:
    data = signer.message(topic="arn:aws:sns:us-east-1:999999999999:someone-else")

    with pytest.raises(TopicNotAllowedError):
        verifier_for(signer.pem).verify(data, TOPIC, datetime.now(UTC))


def test_the_test_seam_is_what_lets_a_local_certificate_through() -> None:
    local = "http://127.0.0.1:8123/cert.pem"

    with pytest.raises(SignatureError):
        SnsVerifier(lambda url: b"").check_url(local, certificate=True)
    SnsVerifier(
        lambda url: b"", cert_host=re.compile(r"127\.0\.0\.1"), require_https=False
    ).check_url(local, certificate=True)


def test_a_json_message_in_the_generic_shape_is_that_mention(signer: SnsSigner) -> None:
    payload = {"id": "rev-9", "text": "Acme rocks", "published_at": "2026-11-21T10:00:00Z"}
    data = signer.message(message=json.dumps(payload))

    mention = to_mention(verifier_for(signer.pem).verify(data, TOPIC, datetime.now(UTC)), "fwd")

    assert (mention.source, mention.native_id, mention.text) == ("fwd", "rev-9", "Acme rocks")


def test_a_plain_text_message_is_keyed_by_its_message_id(signer: SnsSigner) -> None:
    data = signer.message(message="Acme outage reported", MessageId="m-1", Subject="Alert")

    mention = to_mention(verifier_for(signer.pem).verify(data, TOPIC, datetime.now(UTC)), "fwd")

    assert (mention.native_id, mention.title, mention.text) == (
        "m-1",
        "Alert",
        "Acme outage reported",
    )


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'{"Type": "Bogus"}', b'{"Type": "Notification", "Message": 3}'],
    ids=["truncated", "array", "type", "not-strings"],
)
def test_a_malformed_envelope_is_refused(body: bytes) -> None:
    with pytest.raises(ValidationError):
        parse_envelope(body)
