"""Slack's request signature (v0): proof that an interaction came from our Slack app.

X-Slack-Request-Timestamp: <unix seconds>
X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.errors import SignatureError

MAX_AGE_S = 300


def slack_sign(secret: str, timestamp: int, body: bytes) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_slack(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, *, now: float
) -> None:
    """Raise SignatureError saying why, in constant time for the comparison."""
    if not timestamp or not signature:
        raise SignatureError("missing X-Slack-Request-Timestamp or X-Slack-Signature")
    try:
        ts = int(timestamp)
    except ValueError as error:
        raise SignatureError("X-Slack-Request-Timestamp must be unix seconds") from error
    if abs(now - ts) > MAX_AGE_S:
        raise SignatureError("timestamp is outside the 5-minute window")
    received = signature.encode("utf-8", "surrogatepass")  # a header may hold any character
    if not hmac.compare_digest(slack_sign(secret, ts, body).encode(), received):
        raise SignatureError("signature does not match")
