"""Backfill: a new watch's history, fetched one page at a time further back than a poll goes.

Each step is an ordinary fetch from the cursor the last step left, run through the same
pipeline, with the cursor moved after the mentions are stored, exactly as a poll does; steps go
on while the connector says it has more to fetch (`pending`), up to a bound. The connectors'
cursors are built to resume an unfinished run, so the last step leaves a cursor from which the
scheduled polls carry on from the newest mention.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.ports import Connector, CursorRepository
from chalicelib.errors import SourceError


@dataclass(frozen=True)
class Progress:
    """After each step: pages done, the bound, and mentions fetched and stored so far."""

    pages: int
    max_pages: int
    fetched: int
    stored: int
    done: bool = False


def run_backfill(
    watch: Watch,
    source: SourceRef,
    *,
    seed: Mapping[str, Any],
    pages: int,
    cursors: CursorRepository,
    connector: Connector,
    pipeline: Pipeline,
    pending: Callable[[Mapping[str, Any]], bool],
    on_progress: Callable[[Progress], None] = lambda _: None,
) -> Progress:
    """Fetch up to `pages` steps from `seed` (the cursor a new watch starts from).

    A source error is recorded on the cursor, as a poll would, and raised for the caller.
    """
    cursor: Mapping[str, Any] = seed
    progress = Progress(0, pages, 0, 0)
    for step in range(1, pages + 1):
        try:
            fetched = connector.fetch(watch, source, cursor)
        except SourceError as error:
            cursors.record_error(watch.id, source.id, str(error), error.reason)
            raise
        result = pipeline.process(
            fetched.mentions, delivery_id=f"backfill-{watch.id}-{uuid.uuid4().hex}"
        )
        cursors.advance(watch.id, source.id, fetched.cursor, len(fetched.mentions))
        cursor = fetched.cursor
        more = pending(cursor)
        progress = Progress(
            step,
            pages,
            progress.fetched + len(fetched.mentions),
            progress.stored + len(result.new),
            done=not more,
        )
        on_progress(progress)
        if not more:
            break
    return progress
