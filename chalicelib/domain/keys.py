"""Deterministic keys: the same post always gets the same key, whichever way it arrived."""

from __future__ import annotations

import base64
import hashlib


def short_hash(value: str, length: int = 12) -> str:
    # surrogatepass: JSON may carry a lone surrogate ("\ud800") in an id; still one key per id.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()
    return base64.b32encode(digest).decode().lower()[:length]


def mention_key(source: str, native_id: str) -> str:
    """Key of a mention: its source and the platform's own id, never the time it was fetched."""
    return short_hash(f"{source}\x00{native_id}", 20)
