"""API keys: `tdg_<id>_<secret>`. Only the SHA-256 of the secret is stored; the id finds the
record with one GetItem and the hashes are compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

PREFIX = "tdg"
_KEY = re.compile(r"^tdg_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class ApiKey:
    """A stored key: who it is for, never the secret itself."""

    key_id: str
    name: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh (key_id, full key to hand out once, hash to store)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return key_id, f"{PREFIX}_{key_id}_{secret}", hash_secret(secret)


def parse_key(presented: str) -> tuple[str, str] | None:
    """(key_id, secret) of a well-formed key, else None."""
    found = _KEY.fullmatch(presented.strip())
    return (found.group(1), found.group(2)) if found else None


def secret_matches(stored: ApiKey, secret: str) -> bool:
    return stored.active and hmac.compare_digest(stored.secret_hash, hash_secret(secret))
