"""Normalising text from any source: HTML to plain text, entities decoded, whitespace folded."""

from __future__ import annotations

import html
import re
import unicodedata

_BREAKS = re.compile(r"<\s*(br|/p|p|/div|/li)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\f\v\u00a0]+")
_LINES = re.compile(r"\s*\n\s*")


def plain_text(value: str | None) -> str:
    """Strip markup so matching and analysis see what a reader sees."""
    if not value:
        return ""
    text = _BREAKS.sub("\n", value)
    text = _TAGS.sub("", text)
    text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE.sub(" ", text)
    return _LINES.sub("\n", text).strip()


def fold(value: str) -> str:
    """Case- and accent-insensitive form used for matching."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
