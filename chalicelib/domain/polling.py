"""One poll job: fetch what is new, run it through the pipeline, then move the cursor.

The cursor moves only after the mentions are stored, so a crash in between refetches rather
than loses. A permanent source failure (bad credentials, not a feed) is recorded on the cursor
and acknowledged; a transient one is recorded and raised so the queue retries the job. When the
platform said how long to wait (Retry-After, a rate-limit reset), health says when to retry and
the raised error carries the wait, with the cursor unmoved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.domain.models import PollJob
from chalicelib.domain.pipeline import Pipeline, PipelineResult
from chalicelib.domain.ports import Connector, CursorRepository, WatchRepository
from chalicelib.errors import SourceError, TransientError


@dataclass(frozen=True)
class PollOutcome:
    job: PollJob
    result: PipelineResult | None = None
    error: str | None = None
    skipped: str | None = None


def run_poll(
    job: PollJob,
    *,
    delivery_id: str,
    watches: WatchRepository,
    cursors: CursorRepository,
    connector: Connector,
    pipeline: Pipeline,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PollOutcome:
    watch = watches.get(job.watch_id)
    if watch is None or not watch.enabled:
        return PollOutcome(job, skipped="watch deleted or disabled")
    if job.source not in watch.sources:
        return PollOutcome(job, skipped="source no longer on the watch")
    cursor = cursors.get(watch.id, job.source.id)
    try:
        fetched = connector.fetch(watch, job.source, cursor.position)
    except SourceError as error:
        wait = _retry_after(error)
        message = str(error)
        if wait is not None:
            until = now() + timedelta(seconds=wait)
            message = f"{message}; retry after {until:%Y-%m-%dT%H:%M:%SZ}"
        cursors.record_error(watch.id, job.source.id, message, error.reason)
        if error.transient:
            raise TransientError(message, retry_after=wait) from error
        return PollOutcome(job, error=str(error))
    result = pipeline.process(fetched.mentions, delivery_id=delivery_id)
    cursors.advance(watch.id, job.source.id, fetched.cursor, len(fetched.mentions))
    return PollOutcome(job, result=result)


def _retry_after(error: SourceError) -> float | None:
    """The wait a transient source error carries (`TransientSourceError.retry_after`), if any."""
    wait = getattr(error, "retry_after", None)
    return float(wait) if error.transient and isinstance(wait, int | float) and wait > 0 else None
