"""HMAC-SHA256 over the raw body with a timestamp: the generic webhook's signature scheme.

    X-Tidings-Timestamp: <unix seconds>
    X-Tidings-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

Signing the timestamp with the body stops a captured request from being replayed later; the
receiver refuses timestamps more than the window away from its clock.
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.errors import SignatureError

SCHEME = "v1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify(
    secret: str,
    body: bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    *,
    now: float,
    max_age_s: int,
) -> int:
    """Check in constant time; return the signed timestamp or raise SignatureError saying why."""
    if not timestamp_header or not signature_header:
        raise SignatureError("missing X-Tidings-Timestamp or X-Tidings-Signature header")
    try:
        timestamp = int(timestamp_header)
    except ValueError as error:
        raise SignatureError("X-Tidings-Timestamp must be unix seconds") from error
    if abs(now - timestamp) > max_age_s:
        raise SignatureError(f"timestamp is outside the {max_age_s // 60}-minute window")
    expected = sign(secret, timestamp, body).encode()
    candidates = [
        part.strip().encode("utf-8", "surrogatepass") for part in signature_header.split(",")
    ]
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("signature does not match")
    return timestamp
