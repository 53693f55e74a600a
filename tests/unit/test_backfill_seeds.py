"""Every registered source has a backfill start: `tidings backfill WATCH --source KIND` pages
further back than a poll of a new watch (which reads one page), from the seed cursor of
`chalicelib.sources.backfill`. A new registry key fails here until it is given one (or is
listed as a source whose platform holds what it holds)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.models import Watch
from chalicelib.settings import get_settings
from chalicelib.sources.backfill import (
    NO_START,
    STEPWISE,
    mastodon_id_at,
    pages_per_step,
    seed_cursor,
)
from chalicelib.sources.base import HttpClient
from chalicelib.sources.registry import known_kinds
from tests.support.contracts import CONTRACTS, body_of
from tests.support.http_stub import HttpStub, Reply

NOW = datetime.now(UTC).replace(microsecond=0)
DAYS = 5  # inside every platform's window (X searches 7 days)
START = NOW - timedelta(days=DAYS)


def start_marks() -> set[str]:
    """The ways a request can name the start: a date, epoch seconds, a Mastodon id."""
    return {START.strftime("%Y-%m-%dT%H:%M:%S"), str(int(START.timestamp())), mastodon_id_at(START)}


@pytest.mark.parametrize("kind", known_kinds())
def test_every_source_has_a_backfill_start_or_says_why_not(kind: str) -> None:
    seed = seed_cursor(kind, NOW, DAYS)

    assert seed or kind in NO_START, f"{kind}: give it a start in seed_cursor"


@pytest.mark.parametrize("kind", [k for k in known_kinds() if k not in NO_START])
def test_a_backfill_fetch_asks_the_platform_for_what_came_since_its_start(kind: str) -> None:
    # Given a source pointed at a stub that serves its recorded page
    contract = CONTRACTS[kind]
    with HttpStub() as stub:
        settings = replace(contract.configure(get_settings(), stub.base_url), poll_max_pages=3)
        prefix = settings.parameter_prefix + "/"
        connector = contract.build(
            settings,
            HttpClient(kind, timeout_s=5, budget_s=60, max_attempts=1, sleep=lambda _: None),
            lambda name: contract.secrets.get(name.removeprefix(prefix)),
        )
        contract.prepare(stub)
        stub.serve(contract.path, Reply(200, body_of(contract.page), {"Content-Type": "x"}))
        source = contract.source(stub.base_url)
        watch = Watch(id="acme", name="Acme", query=contract.query, sources=(source,))

        # When backfill fetches from the seed of a watch `DAYS` old
        result = connector.fetch(watch, source, seed_cursor(kind, NOW, DAYS))

        # Then the search names the start, or (Reddit, which cannot filter by time) nothing
        # older than the start comes back and the cursor starts there
        searches = stub.requests_to(contract.path)
    assert searches
    if kind == "reddit":
        assert all(m.published_at >= START for m in result.mentions)
        assert result.cursor["since"] is not None
    elif kind == "hackernews":  # reads back from the start, less a small overlap
        after = int(searches[0].query["numericFilters"].partition("created_at_i>")[2])
        assert START.timestamp() - 600 <= after <= START.timestamp()
    else:
        values = " ".join(str(v) for v in searches[0].query.values())
        assert any(mark in values for mark in start_marks()), values


@pytest.mark.parametrize("kind", known_kinds())
def test_resumable_runs_step_a_page_at_a_time_the_others_page_back_at_once(kind: str) -> None:
    assert pages_per_step(kind, 10) == (1 if kind in STEPWISE else 10)
