"""`tidings backfill` for a source that searches by time (here Stack Exchange): the search
starts `--days` back and pages back to it in one step, through the real pipeline, and the
scheduled polls carry on from the newest question it found."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib import services
from chalicelib.cli import main
from chalicelib.local.stack import LocalStack
from tests.support.http_stub import HttpStub, Reply

pytestmark = pytest.mark.integration
PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "stackexchange"


def test_a_stackexchange_backfill_asks_from_its_start_and_polls_carry_on(
    stack: LocalStack, api: Client, platform: HttpStub, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a new watch on a Stack Exchange site
    os.environ.update(
        {
            "TIDINGS_PARAMETER_PREFIX": f"/tidings/t{uuid.uuid4().hex[:12]}",
            "TIDINGS_STACKEXCHANGE_URL": platform.url("/se"),
        }
    )
    services.reset()
    platform.serve(
        "/se/search/advanced",
        Reply.file(PAGE / "questions_default_filter_sample_2_2.json", "application/json"),
    )
    response = api.http.post(
        "/watches",
        headers={"Content-Type": "application/json"},
        body=json.dumps(
            {
                "id": "ops",
                "query": "openshift",
                "sources": [{"kind": "stackexchange", "target": "stackoverflow"}],
            }
        ),
    )
    assert response.status_code == 201, response.body

    # When it is backfilled 4500 days back
    started = datetime.now(UTC)
    assert main(["backfill", "ops", "--source", "stackexchange", "--days", "4500"]) == 0

    # Then the search starts 4500 days back, and what it found is in the feed
    out = capsys.readouterr().out
    assert "[##########] 1/1 pages, 5 mentions (5 new), all fetched" in out
    first = platform.requests_to("/se/search/advanced")[0].query
    start = datetime.fromtimestamp(int(first["fromdate"]), UTC)
    assert abs(start - (started - timedelta(days=4500))) < timedelta(minutes=5)
    feed = json.loads(api.http.get("/watches/ops/mentions").body)["items"]
    assert len(feed) == 5

    # And the next poll asks from the newest question found, not from the start
    stack.tick()
    stack.drain()
    poll = platform.requests_to("/se/search/advanced")[-1].query
    assert int(poll["fromdate"]) > int(first["fromdate"])
