"""The schedule's job: one poll job per (watch, source) it listens to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.domain.models import PollJob, Watch


def plan_polls(watches: Iterable[Watch], now: datetime) -> list[PollJob]:
    return [
        PollJob(watch_id=w.id, source=source, planned_at=now)
        for w in watches
        if w.enabled
        for source in w.sources
    ]
