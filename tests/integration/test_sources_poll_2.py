"""YouTube, X and App Store reviews polled through the whole of Tidings: the schedule plans the
poll, the worker fetches the recorded payload from a local stand-in for the platform, and the
mentions, the cursor and the source's health show up in the API."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import services
from chalicelib.local.provision import put_secret
from chalicelib.local.stack import LocalStack
from chalicelib.settings import get_settings
from tests.support.http_stub import HttpStub, Reply

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def configure(platform: HttpStub, **env: str) -> None:
    """Point the connectors at the stand-in, with SSM parameters of this test's own (moto's
    server lives as long as the session), then rebuild settings and services from env."""
    os.environ.update(
        {
            "TIDINGS_PARAMETER_PREFIX": f"/tidings/t{uuid.uuid4().hex[:12]}",
            "TIDINGS_YOUTUBE_URL": platform.url("/youtube/v3"),
            "TIDINGS_X_URL": platform.url("/2"),
            "TIDINGS_APPSTORE_URL": platform.base_url,
            **env,
        }
    )
    services.reset()


def create_watch(api: Client, **fields: Any) -> None:
    response = api.http.post(
        "/watches", headers={"Content-Type": "application/json"}, body=json.dumps(fields)
    )
    assert response.status_code == 201, response.body


def feed(api: Client, watch_id: str) -> list[dict[str, Any]]:
    return list(json.loads(api.http.get(f"/watches/{watch_id}/mentions?limit=100").body)["items"])


def health(api: Client) -> dict[str, Any]:
    return dict(json.loads(api.http.get("/health").body))


def source_health(api: Client, watch_id: str) -> dict[str, Any]:
    (line,) = [s for s in health(api)["sources"] if s["watch_id"] == watch_id]
    return dict(line)


def test_youtube_videos_reach_the_feed_and_the_quota_use_is_reported(
    stack: LocalStack, api: Client, platform: HttpStub
) -> None:
    configure(platform)
    put_secret(get_settings().youtube_key_parameter, "AIza-test")
    platform.serve(
        "/youtube/v3/search",
        Reply.file(FIXTURES / "youtube" / "search_search_by_keywords_p1.json", "application/json"),
        Reply.json({"items": []}),
    )
    platform.serve("/youtube/v3/videos", Reply.json({"items": []}))
    platform.serve("/youtube/v3/channels", Reply.json({"items": []}))
    platform.serve("/youtube/v3/commentThreads", Reply.json({"items": []}))
    create_watch(api, id="surf", name="Surf", query="pipeline", sources=["youtube"])

    stack.tick()
    stack.drain()

    # Then the videos about the query are in the feed, their HTML entities decoded
    titles = sorted(item["title"] for item in feed(api, "surf"))
    assert titles == [
        "SURFING GIANT WAVES IN HAWAII (PIPELINE)",
        "SURFING HAWAII\u2019S BEST WAVE WITH MY GIRLFRIEND (PIPELINE)",
        "SURFING PERFECT PIPE & BACKDOOR || SUNRISE SHACK!",
    ]
    line = source_health(api, "surf")
    assert line["ok"] is True
    assert line["items_fetched"] == 25
    (budget,) = health(api)["budgets"]
    assert budget["source"] == "youtube"
    assert budget["used"] == 2 * 100 + 2 + 10  # searches, videos+channels lists, 10 comment reads
    assert budget["limit"] == 10000
    assert platform.requests_to("/youtube/v3/search")[0].query["key"] == "AIza-test"


def test_x_posts_reach_the_feed_and_the_watch_budget_counts_them(
    stack: LocalStack, api: Client, platform: HttpStub
) -> None:
    configure(platform)
    put_secret(get_settings().x_token_parameter, "bearer-test")
    platform.serve(
        "/2/tweets/search/recent",
        Reply.file(
            FIXTURES / "x" / "search_recent_tweepy_cassette_decoded_body.json", "application/json"
        ),
        Reply.json({"meta": {"result_count": 0}}),
    )
    create_watch(api, id="tweepy", name="Tweepy", query="tweepy", sources=["x"])

    stack.tick()
    stack.drain()

    items = feed(api, "tweepy")
    assert len(items) == 10
    assert items[0]["url"] == "https://x.com/i/web/status/1578516068309794817"
    assert items[0]["published_at"].startswith("2022-10-07T22:42:12")
    line = source_health(api, "tweepy")
    assert (line["ok"], line["items_fetched"]) == (True, 10)
    (budget,) = health(api)["budgets"]
    assert (budget["watch_id"], budget["used"], budget["unit"]) == ("tweepy", 10, "posts")
    search = platform.requests_to("/2/tweets/search/recent")[0]
    assert search.headers["authorization"] == "Bearer bearer-test"

    # And the next poll asks only for posts after the newest one
    stack.tick()
    stack.drain()
    assert platform.requests_to("/2/tweets/search/recent")[-1].query["since_id"] == (
        "1578516068309794817"
    )


def test_app_store_reviews_reach_the_feed(
    stack: LocalStack, api: Client, platform: HttpStub
) -> None:
    configure(platform)
    page = "/in/rss/customerreviews/page={}/id=1592550875/sortby=mostrecent/json"
    platform.serve(
        page.format(1),
        Reply.file(
            FIXTURES / "appstore" / "customerreviews_json_2026_partially_modified_fixture.json",
            "application/json",
        ),
    )
    platform.serve(page.format(2), Reply.json({"feed": {}}))
    create_watch(
        api,
        id="boat",
        name="boAt",
        query="app OR features",
        sources=[{"kind": "appstore", "target": "1592550875@in"}],
    )

    stack.tick()
    stack.drain()

    assert [item["title"] for item in feed(api, "boat")] == [
        "Airdopes app so good",
        "There's no optimisation to it",
    ]
    line = source_health(api, "boat")
    assert (line["ok"], line["items_fetched"]) == (True, 2)
    assert health(api)["budgets"] == []


def test_a_missing_key_and_a_used_up_budget_show_on_health_as_such(
    stack: LocalStack, api: Client, platform: HttpStub
) -> None:
    configure(platform, TIDINGS_X_MONTHLY_READS_PER_WATCH="5")
    put_secret(get_settings().x_token_parameter, "bearer-test")
    create_watch(api, id="tube", name="Tube", query="acme", sources=["youtube"])
    create_watch(api, id="bird", name="Bird", query="acme", sources=["x"])

    stack.tick()
    stack.drain()

    tube, bird = source_health(api, "tube"), source_health(api, "bird")
    assert tube["ok"] is False
    assert tube["error_kind"] == "credentials"
    assert tube["last_error"].startswith("youtube: credentials missing: set SSM parameter ")
    assert bird["error_kind"] == "budget"
    assert "X monthly read budget of 5 posts for watch bird used up until" in bird["last_error"]
    assert platform.received == []
