"""Amazon SNS over HTTP(S), for a company forwarding mentions from another AWS account.

Every message is checked before anything else happens: its type, its topic (the one configured
for the integration), its age (refused after an hour: SNS stops retrying by then, so anything
older is a replay), the certificate URL (HTTPS on an `sns.<region>.amazonaws.com` host, a `.pem`
path) and its RSA signature, PKCS#1 v1.5 with SHA1 (SignatureVersion 1) or SHA256 (2) over
the documented fields. A Notification's `Message` is a mention: the generic webhook's JSON
shape, or plain text keyed by the SNS MessageId.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.domain.models import Mention
from chalicelib.errors import SignatureError, ValidationError
from chalicelib.webhooks.generic import parse_mention

PRODUCTION_CERT_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
MAX_AGE = timedelta(hours=1)
MAX_SKEW = timedelta(minutes=5)  # a message from the future: a clock off, or forged
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
CERT_CACHE_LIMIT = 16


class TopicNotAllowedError(SignatureError):
    """Signed by SNS perhaps, but for a topic this integration does not accept (403)."""


@dataclass(frozen=True)
class SnsMessage:
    type: str
    message_id: str
    topic_arn: str
    message: str
    subject: str
    timestamp: datetime
    subscribe_url: str


def parse_envelope(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"body is not valid JSON: {error}") from error
    if not isinstance(data, dict) or not all(
        isinstance(v, str) for v in data.values() if not isinstance(v, dict)
    ):
        raise ValidationError("body must be an SNS message: a JSON object of strings")
    if not isinstance(data.get("Type"), str) or data["Type"] not in SIGNED_FIELDS:
        raise ValidationError(f"unknown SNS message Type {str(data.get('Type'))[:40]!r}")
    return data


def string_to_sign(data: dict[str, Any]) -> bytes:
    fields = SIGNED_FIELDS[str(data["Type"])]
    return "".join(
        f"{name}\n{data[name]}\n" for name in fields if data.get(name) is not None
    ).encode()


class SnsVerifier:
    """Checks SNS messages. `cert_host` and `require_https` exist for tests, which serve the
    certificate from 127.0.0.1; the handler always builds it with the production defaults."""

    def __init__(
        self,
        fetch: Callable[[str], bytes],
        *,
        cert_host: re.Pattern[str] = PRODUCTION_CERT_HOST,
        require_https: bool = True,
    ) -> None:
        self._fetch = fetch
        self._cert_host = cert_host
        self._require_https = require_https
        self._certs: dict[str, rsa.RSAPublicKey] = {}

    def check_url(self, url: str, *, certificate: bool) -> None:
        """Only SNS's own hosts are fetched: for the certificate and for SubscribeURL."""
        parts = urlsplit(url)
        if parts.scheme != "https" and (self._require_https or parts.scheme != "http"):
            raise SignatureError("SNS URLs must be https")
        if not self._cert_host.fullmatch(parts.hostname or "") or parts.username:
            raise SignatureError("SNS URL is not on an SNS host")
        if certificate and not parts.path.endswith(".pem"):
            raise SignatureError("SigningCertURL must name a .pem file")

    def verify(self, data: dict[str, Any], topic_arn: str, now: datetime) -> SnsMessage:
        if data.get("TopicArn") != topic_arn:
            raise TopicNotAllowedError("TopicArn is not the one configured for this integration")
        timestamp = _timestamp(str(data.get("Timestamp", "")))
        if now - timestamp > MAX_AGE:
            raise SignatureError("message is older than one hour")
        if timestamp - now > MAX_SKEW:
            raise SignatureError("message Timestamp is in the future")
        algorithm = HASHES.get(str(data.get("SignatureVersion")))
        if algorithm is None:
            raise SignatureError("SignatureVersion must be 1 or 2")
        try:
            signature = base64.b64decode(str(data.get("Signature", "")), validate=True)
        except (binascii.Error, ValueError) as error:
            raise SignatureError("Signature is not base64") from error
        if not signature:
            raise SignatureError("missing Signature")
        key = self._public_key(str(data.get("SigningCertURL", "")))
        try:
            key.verify(signature, string_to_sign(data), padding.PKCS1v15(), algorithm())
        except InvalidSignature as error:
            raise SignatureError("signature does not match") from error
        return SnsMessage(
            type=str(data["Type"]),
            message_id=str(data.get("MessageId", "")),
            topic_arn=topic_arn,
            message=str(data.get("Message", "")),
            subject=str(data.get("Subject") or ""),
            timestamp=timestamp,
            subscribe_url=str(data.get("SubscribeURL") or ""),
        )

    def _public_key(self, url: str) -> rsa.RSAPublicKey:
        self.check_url(url, certificate=True)
        key = self._certs.get(url)
        if key is None:
            try:
                cert = x509.load_pem_x509_certificate(self._fetch(url))
            except ValueError as error:
                raise SignatureError("SigningCertURL did not serve a PEM certificate") from error
            public = cert.public_key()
            if not isinstance(public, rsa.RSAPublicKey):
                raise SignatureError("the SNS certificate's key is not RSA")
            if len(self._certs) >= CERT_CACHE_LIMIT:
                self._certs.clear()
            key = self._certs[url] = public
        return key


def to_mention(message: SnsMessage, integration: str) -> Mention:
    """The generic webhook's JSON shape when the Message is a JSON object, else plain text."""
    if message.message.lstrip().startswith("{"):
        return parse_mention(message.message.encode(), integration)
    if not message.message.strip():
        raise ValidationError("the SNS Message is empty")
    return Mention(
        source=integration,
        native_id=message.message_id,
        url="",
        title=message.subject[:1000],
        text=message.message[:40_000],
        published_at=message.timestamp,
    )


def _timestamp(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise SignatureError("Timestamp is not an ISO 8601 time") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
