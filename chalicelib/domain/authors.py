"""Who wrote a mention, as one key per source: the handle (or, without one, the name), folded
so `@Dana` and `dana` are the same person."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.models import WatchMention
from chalicelib.domain.text import fold


def author_key(source: str, handle: str, name: str) -> str | None:
    """`source#handle`, or None for an anonymous mention (nothing to index or erase)."""
    who = fold(handle.strip()).lstrip("@") or fold(name.strip())
    return f"{source}#{who}" if who else None


AuthorCells = dict[tuple[str, str, str], tuple[int, float | None]]


def author_cells(items: Iterable[WatchMention]) -> AuthorCells:
    """Per (watch, published day, author): how many mentions, and the author's highest reach
    in the batch. One counter cell per distinct author per batch, for top authors."""
    cells: AuthorCells = {}
    for item in items:
        author = item.mention.author
        key = author_key(item.mention.source, author.handle, author.name)
        if key is None:
            continue
        cell = (item.watch_id, f"{item.mention.published_at:%Y%m%d}", key)
        count, reach = cells.get(cell, (0, None))
        if item.reach_score is not None:
            reach = max(reach or 0.0, item.reach_score)
        cells[cell] = (count + 1, reach)
    return cells
