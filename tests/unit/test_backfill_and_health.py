"""Backfill steps, its progress bar and where each source starts; health's kinds and its text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.cli.backfill import progress_bar
from chalicelib.cli.health import render
from chalicelib.domain.backfill import Progress, run_backfill
from chalicelib.domain.models import FetchResult, Mention, PollJob, SourceRef, Watch
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.polling import run_poll
from chalicelib.errors import SourceError
from chalicelib.sources.backfill import pending, seed_cursor
from tests.support.fakes import (
    MemoryCounters,
    MemoryCursors,
    MemoryMentions,
    MemoryPublisher,
    MemoryWatches,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SRC = SourceRef("x")
WATCH = Watch(id="acme", name="Acme", query="Acme", sources=(SRC,))


class PagedConnector:
    """Three pages of one mention each, resumable through a `next_token` in the cursor."""

    kind = "x"

    def __init__(self, fail_on: int | None = None) -> None:
        self.cursors: list[Mapping[str, Any]] = []
        self._fail_on = fail_on

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        self.cursors.append(dict(cursor))
        page = int(cursor.get("next_token") or 1)
        if page == self._fail_on:
            raise SourceError("x", "credentials missing", transient=False, reason="credentials")
        mention = Mention("x", f"p{page}", f"https://x.com/i/web/status/{page}", "Acme", NOW)
        more = {"next_token": str(page + 1)} if page < 3 else {"since_id": "p1"}
        return FetchResult((mention,), more)


def pipeline() -> Pipeline:
    return Pipeline(
        watches=[WATCH],
        mentions=MemoryMentions(),
        counters=MemoryCounters(),
        publisher=MemoryPublisher(),
        analyser=BuiltinAnalyser(),
        clock=lambda: NOW,
    )


def test_backfill_steps_page_by_page_until_the_source_has_no_more() -> None:
    cursors = MemoryCursors()
    connector = PagedConnector()
    seen: list[str] = []

    final = run_backfill(
        WATCH,
        SRC,
        seed={"start_time": "2026-11-14T12:05:00Z"},
        pages=10,
        cursors=cursors,
        connector=connector,
        pipeline=pipeline(),
        pending=pending,
        on_progress=lambda p: seen.append(progress_bar(p)),
    )

    assert seen == [
        "[#.........] 1/10 pages, 1 mentions (1 new)",
        "[##........] 2/10 pages, 2 mentions (2 new)",
        "[##########] 3/10 pages, 3 mentions (3 new), all fetched",
    ]
    assert connector.cursors[0] == {"start_time": "2026-11-14T12:05:00Z"}
    assert final == Progress(3, 10, 3, 3, done=True)
    assert cursors.get("acme", "x").position == {"since_id": "p1"}
    assert cursors.get("acme", "x").items_fetched == 1


def test_backfill_stops_at_its_page_bound_leaving_the_run_for_the_polls() -> None:
    cursors = MemoryCursors()

    final = run_backfill(
        WATCH,
        SRC,
        seed={},
        pages=2,
        cursors=cursors,
        connector=PagedConnector(),
        pipeline=pipeline(),
        pending=pending,
    )

    assert (final.pages, final.done) == (2, False)
    assert progress_bar(final) == "[##########] 2/2 pages, 2 mentions (2 new)"
    assert cursors.get("acme", "x").position == {"next_token": "3"}


def test_a_source_error_in_backfill_is_recorded_with_its_kind_and_raised() -> None:
    cursors = MemoryCursors()

    with pytest.raises(SourceError):
        run_backfill(
            WATCH,
            SRC,
            seed={},
            pages=5,
            cursors=cursors,
            connector=PagedConnector(fail_on=2),
            pipeline=pipeline(),
            pending=pending,
        )

    cursor = cursors.get("acme", "x")
    assert cursor.last_error_kind == "credentials"
    assert cursor.position == {"next_token": "2"}  # the page it got is kept


def test_each_source_starts_a_backfill_where_its_api_can_look_back() -> None:
    assert seed_cursor("hackernews", NOW, 30) == {"created_at_i": 1792670400}  # 2026-10-22T12:00Z
    assert seed_cursor("youtube", NOW, 30) == {"since": "2026-10-22T12:00:00Z"}
    assert seed_cursor("x", NOW, 30) == {"start_time": "2026-10-22T12:00:00Z"}
    assert seed_cursor("appstore", NOW, 30) == {}
    assert seed_cursor("rss", NOW, 30) == {}


def test_pending_work_is_a_page_token_a_next_page_or_an_hn_gap_unless_rate_limited() -> None:
    assert pending({"page_token": "CBkQAA"})
    assert pending({"page": 3})
    assert pending({"gaps": {"acme": [[1, 2]]}})
    assert not pending({"gaps": {}, "created_at_i": 5})
    assert not pending({"next_token": "t", "paused_until": 1})
    assert not pending({"since": "2026-11-21T00:00:00Z", "page_token": None})


def test_a_poll_records_the_error_kind_and_items_fetched() -> None:
    watches = MemoryWatches()
    watches.put(WATCH)
    cursors = MemoryCursors()
    job = PollJob("acme", SRC, NOW)

    run_poll(
        job,
        delivery_id="d1",
        watches=watches,
        cursors=cursors,
        connector=PagedConnector(),
        pipeline=pipeline(),
    )
    assert cursors.get("acme", "x").items_fetched == 1

    outcome = run_poll(
        job,
        delivery_id="d2",
        watches=watches,
        cursors=cursors,
        connector=PagedConnector(fail_on=2),
        pipeline=pipeline(),
    )
    assert outcome.error == "x: credentials missing"
    assert cursors.get("acme", "x").last_error_kind == "credentials"


def test_health_text_lists_each_source_its_error_and_the_budgets() -> None:
    report = {
        "sources": [
            {
                "watch_id": "acme",
                "source": "youtube",
                "ok": True,
                "items_fetched": 25,
                "last_success_at": "2026-11-21T12:00:00+00:00",
                "last_error": None,
            },
            {
                "watch_id": "bird",
                "source": "x",
                "ok": False,
                "error_kind": "budget",
                "items_fetched": None,
                "last_success_at": None,
                "last_error": "x: X monthly read budget of 5 posts for watch bird used up",
            },
        ],
        "budgets": [
            {
                "source": "x",
                "watch_id": "bird",
                "used": 5,
                "limit": 5,
                "unit": "posts",
                "resets_at": "2026-12-01T00:00:00+00:00",
                "exhausted": True,
            }
        ],
    }

    lines = render(report)

    assert [line.split() for line in lines[:3]] == [
        ["WATCH", "SOURCE", "STATUS", "FETCHED", "LAST", "SUCCESS"],
        ["acme", "youtube", "ok", "25", "2026-11-21T12:00:00+00:00"],
        ["bird", "x", "budget", "-", "never"],
    ]
    assert lines[3] == "    x: X monthly read budget of 5 posts for watch bird used up"
    assert lines[-1] == "x (watch bird): 5/5 posts until 2026-12-01T00:00:00+00:00  USED UP"
