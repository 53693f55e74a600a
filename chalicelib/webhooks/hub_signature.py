"""`<algorithm>=<digest>` HMAC headers over the raw body, as Meta, X and WebSub hubs send them.

Every comparison is constant time and made on the bytes received, before any parsing: a body
re-serialised from JSON would not hash the same (Meta signs its escaped-unicode form).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal

from chalicelib.errors import SignatureError

Algorithm = Literal["sha1", "sha256"]
Encoding = Literal["hex", "base64"]


def digest(secret: str, body: bytes, algorithm: Algorithm, encoding: Encoding = "hex") -> str:
    """`<algorithm>=<HMAC of body>`, what the platform puts in its signature header."""
    mac = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).digest()
    value = mac.hex() if encoding == "hex" else base64.b64encode(mac).decode()
    return f"{algorithm}={value}"


def verify(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    header_name: str,
    algorithm: Algorithm,
    encoding: Encoding = "hex",
) -> None:
    """Raise SignatureError unless `header` is the HMAC of `body` with `secret`."""
    if not header:
        raise SignatureError(f"missing {header_name} header")
    expected = digest(secret, body, algorithm, encoding).encode()
    received = header.strip().encode("utf-8", "surrogatepass")
    if encoding == "hex":
        received = received.lower()
    if not hmac.compare_digest(expected, received):
        raise SignatureError("signature does not match")
