"""`tidings backfill` and `tidings health` against the local stack: a new watch's history is
paged in through the real pipeline with a progress bar, and the scheduled polls carry on from
the newest mention it found."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib import services
from chalicelib.cli import main
from chalicelib.domain.models import SourceRef
from chalicelib.local.provision import put_secret
from chalicelib.local.stack import LocalStack
from chalicelib.settings import get_settings
from tests.support.http_stub import HttpStub, Reply

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REVIEWS = FIXTURES / "appstore" / "customerreviews_json_2026_partially_modified_fixture.json"
PAGE = "/in/rss/customerreviews/page={}/id=1592550875/sortby=mostrecent/json"


def configure(platform: HttpStub) -> None:
    os.environ.update(
        {
            "TIDINGS_PARAMETER_PREFIX": f"/tidings/t{uuid.uuid4().hex[:12]}",
            "TIDINGS_YOUTUBE_URL": platform.url("/youtube/v3"),
            "TIDINGS_APPSTORE_URL": platform.base_url,
        }
    )
    services.reset()


def create_watch(api: Client, **fields: object) -> None:
    response = api.http.post(
        "/watches", headers={"Content-Type": "application/json"}, body=json.dumps(fields)
    )
    assert response.status_code == 201, response.body


def older_reviews() -> Reply:
    """A second page: the recorded reviews as two older ones."""
    feed = json.loads(REVIEWS.read_text())
    for number, entry in enumerate(feed["feed"]["entry"]):
        entry["id"]["label"] = f"1000{number}"
        entry["updated"]["label"] = f"2026-08-0{number + 1}T10:00:00-07:00"
    return Reply.json(feed)


def test_backfill_pages_a_new_watch_in_with_a_progress_bar_then_polls_carry_on(
    stack: LocalStack, api: Client, platform: HttpStub, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a new watch on an app whose reviews span three pages
    configure(platform)
    platform.serve(PAGE.format(1), Reply.file(REVIEWS, "application/json"))
    platform.serve(PAGE.format(2), older_reviews())
    platform.serve(PAGE.format(3), Reply.json({"feed": {}}))
    create_watch(
        api,
        id="boat",
        name="boAt",
        query="app OR features",
        sources=[{"kind": "appstore", "target": "1592550875@in"}],
    )

    # When it is backfilled
    status = main(["backfill", "boat", "--pages", "5"])

    # Then a bar shows each page and the reviews of every page are in the feed
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{SourceRef('appstore', '1592550875@in').id}:",
        "  [##........] 1/5 pages, 2 mentions (2 new)",
        "  [####......] 2/5 pages, 4 mentions (4 new)",
        "  [##########] 3/5 pages, 4 mentions (4 new), all fetched",
    ]
    feed = json.loads(api.http.get("/watches/boat/mentions").body)["items"]
    assert len(feed) == 4

    # And the next scheduled poll reads only page 1, finding nothing newer
    stack.tick()
    stack.drain()
    assert len(platform.requests_to(PAGE.format(1))) == 2
    assert len(platform.requests_to(PAGE.format(2))) == 1
    assert len(json.loads(api.http.get("/watches/boat/mentions").body)["items"]) == 4

    # And a second backfill leaves the polled source alone
    assert main(["backfill", "boat"]) == 0
    assert "already polled, skipped" in capsys.readouterr().out


def test_youtube_backfill_starts_a_month_back_and_health_shows_it(
    stack: LocalStack, api: Client, platform: HttpStub, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(platform)
    put_secret(get_settings().youtube_key_parameter, "AIza-test")
    platform.serve(
        "/youtube/v3/search",
        Reply.file(FIXTURES / "youtube" / "search_search_by_keywords_p1.json", "application/json"),
        Reply.json({"items": []}),
    )
    for endpoint in ("videos", "channels", "commentThreads"):
        platform.serve(f"/youtube/v3/{endpoint}", Reply.json({"items": []}))
    create_watch(api, id="surf", name="Surf", query="pipeline", sources=["youtube"])

    assert main(["backfill", "surf", "--source", "youtube", "--days", "30"]) == 0

    out = capsys.readouterr().out
    assert "[##########] 2/10 pages, 25 mentions (3 new), all fetched" in out
    searches = platform.requests_to("/youtube/v3/search")
    assert searches[1].query["pageToken"] == "CBkQAA"
    assert searches[0].query["publishedAfter"] == searches[1].query["publishedAfter"]

    # And `tidings health` shows the source, what it fetched and the quota used
    assert main(["health"]) == 0
    health = capsys.readouterr().out.splitlines()
    assert health[0].split() == ["WATCH", "SOURCE", "STATUS", "FETCHED", "LAST", "SUCCESS"]
    assert health[1].split()[:4] == ["surf", "youtube", "ok", "0"]  # the last page was empty
    assert health[-1].startswith("youtube (all watches): ")
    assert "/10000 units until" in health[-1]

    # And polls carry on from where the backfill finished (the recorded videos are older than
    # its start, so that is still the start), on a new run without a page token
    stack.tick()
    stack.drain()
    poll = platform.requests_to("/youtube/v3/search")[-1].query
    assert poll["publishedAfter"] == searches[0].query["publishedAfter"]
    assert "pageToken" not in poll
