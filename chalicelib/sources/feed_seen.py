"""A feed cursor's memory of the entries it returned: 8-character digests in one string.

Why: every poll rewrites the cursor item, and DynamoDB bills a write unit per KB of it. Full
entry ids (Google News ids run to 100 characters, blog ids are URLs) made a list of 500 about
10 KB, 10 WRU a poll. A digest is 48 bits of the id's SHA-256 in URL-safe base64; with a few
hundred digests kept, two ids share one about once in 10^11 new entries, and that entry is
only skipped, never mixed up with another.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

WIDTH = 8  # characters per digest: 6 bytes of SHA-256


def digest(native_id: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(native_id.encode()).digest()[:6]).decode()


def load(value: Any) -> list[str]:
    """The digests a cursor keeps, newest first: the string `dump` writes, or the list of full
    ids that cursors written before it keep (their ids are digested here)."""
    if isinstance(value, str):
        return [value[i : i + WIDTH] for i in range(0, len(value) - WIDTH + 1, WIDTH)]
    return [digest(str(native_id)) for native_id in value or ()]


def dump(recent: Iterable[str], older: Iterable[str], *, keep: int, most: int) -> str:
    """`recent` (the digests the next poll needs: entries still inside the date tolerance) all
    kept up to `most`, then `older` ones while the total is under `keep`."""
    kept = list(dict.fromkeys(recent))[:most]
    have = set(kept)
    for old in older:
        if len(kept) >= keep:
            break
        if old not in have:
            kept.append(old)
            have.add(old)
    return "".join(kept)
