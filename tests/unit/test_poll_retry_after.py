"""A poll the platform rate-limits with a Retry-After does not move its cursor, tells health
when to retry, and hands the wait to the queue's retry instead of asking again at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.domain.models import PollJob, SourceRef, Watch
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.polling import run_poll
from chalicelib.errors import TransientError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.hackernews import HackerNewsConnector
from tests.support.fakes import (
    MemoryCounters,
    MemoryCursors,
    MemoryMentions,
    MemoryPublisher,
    MemoryWatches,
)
from tests.support.http_stub import HttpStub, Reply

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SOURCE = SourceRef("hackernews")
WATCH = Watch(id="acme", name="Acme", query="Acme", sources=(SOURCE,))
POSITION = {"created_at_i": 1_700_000_000, "seen": {}, "gaps": {}}


def test_a_rate_limited_poll_keeps_its_cursor_and_health_says_when_to_retry() -> None:
    # Given a watch whose source was polled before, and a platform answering 429, retry in 120s
    watches, cursors = MemoryWatches(), MemoryCursors()
    watches.put(WATCH)
    cursors.advance("acme", SOURCE.id, POSITION, 3)
    sleeps: list[float] = []
    with HttpStub() as platform:
        platform.serve(
            "/api/v1/search_by_date",
            Reply(429, b'{"message": "slow down"}', {"Retry-After": "120"}),
        )
        settings = replace(get_settings(), hackernews_url=platform.url("/api/v1"))
        http = HttpClient("hackernews", timeout_s=5, budget_s=30, sleep=sleeps.append)
        mentions = MemoryMentions()

        # When the poll runs
        with pytest.raises(TransientError) as raised:
            run_poll(
                PollJob("acme", SOURCE, NOW),
                delivery_id="d1",
                watches=watches,
                cursors=cursors,
                connector=HackerNewsConnector(settings, http=http),
                pipeline=Pipeline(
                    watches=[WATCH],
                    mentions=mentions,
                    counters=MemoryCounters(),
                    publisher=MemoryPublisher(),
                    analyser=BuiltinAnalyser(),
                    clock=lambda: NOW,
                ),
                now=lambda: NOW,
            )
        asked = len(platform.requests_to("/api/v1/search_by_date"))

    # Then it asked once (the wait is past its time budget), the queue gets the wait,
    # the cursor has not moved, and health names the time to retry
    assert asked == 1
    assert sleeps == []
    assert raised.value.retry_after == 120
    cursor = cursors.get("acme", SOURCE.id)
    assert cursor.position == POSITION
    assert cursor.last_error is not None
    assert cursor.last_error.endswith("retry after 2026-11-21T12:02:00Z")
    assert cursor.last_error_kind == "transient"
