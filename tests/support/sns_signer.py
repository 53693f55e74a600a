"""A throwaway SNS: an RSA key and self-signed certificate made per test run, and messages
signed with it exactly as SNS signs them (SignatureVersion 1: SHA1, 2: SHA256)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from chalicelib.webhooks.sns_http import string_to_sign

TOPIC = "arn:aws:sns:us-east-1:123456789012:acme-mentions"


class SnsSigner:
    def __init__(self, cert_url: str) -> None:
        self.cert_url = cert_url
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = datetime.now(UTC)
        self.pem = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .sign(self._key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
        )

    def message(
        self,
        type_: str = "Notification",
        *,
        message: str = "Acme support answered in minutes",
        version: str = "2",
        timestamp: datetime | None = None,
        topic: str = TOPIC,
        **extra: str,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "Type": type_,
            "MessageId": extra.pop("MessageId", str(uuid.uuid4())),
            "TopicArn": topic,
            "Message": message,
            "Timestamp": (timestamp or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
            + "Z",
            "SignatureVersion": version,
            "SigningCertURL": self.cert_url,
            **extra,
        }
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self._key.sign(string_to_sign(data), padding.PKCS1v15(), algorithm)
        data["Signature"] = base64.b64encode(signature).decode()
        return data

    @staticmethod
    def body(data: dict[str, Any]) -> bytes:
        return json.dumps(data, indent=2).encode()
