"""Who wrote a mention, as one key per source: the handle (or, without one, the name), folded
so `@Dana` and `dana` are the same person."""

from __future__ import annotations

from chalicelib.domain.text import fold


def author_key(source: str, handle: str, name: str) -> str | None:
    """`source#handle`, or None for an anonymous mention (nothing to index or erase)."""
    who = fold(handle.strip()).lstrip("@") or fold(name.strip())
    return f"{source}#{who}" if who else None
