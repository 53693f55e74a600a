"""The YouTube connector against a local server that answers like the Data API v3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.youtube import YouTubeConnector, parse
from tests.support.fakes import MemoryBudgets
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "youtube"
SEARCH_P1 = FIXTURES / "search_search_by_keywords_p1.json"
COMMENTS = FIXTURES / "comment_threads_comment_threads_by_video_paged_2.json"
NOW = datetime(2019, 12, 6, 12, 0, tzinfo=UTC)  # 04:00 in California: quota day 2019-12-06
SCOPE = "youtube#2019-12-06"
YT = SourceRef("youtube")
WATCH = Watch(id="surf", name="Surf", query="surfing", sources=(YT,))
KEY = "AIza-test-key"
END = Reply.json({"kind": "youtube#searchListResponse", "items": []})
NO_COMMENTS = Reply.json({"kind": "youtube#commentThreadListResponse", "items": []})


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(
    stub: HttpStub, budgets: MemoryBudgets, *, pages: int = 5, key: str | None = KEY
) -> YouTubeConnector:
    settings = replace(get_settings(), youtube_url=stub.url("/youtube/v3"), poll_max_pages=pages)
    return YouTubeConnector(
        settings,
        http=HttpClient("youtube", timeout_s=5, sleep=lambda _: None),
        budgets=budgets,
        secrets=lambda name: key if name.endswith("/sources/youtube/api-key") else None,
        now=lambda: NOW,
    )


def serve_defaults(stub: HttpStub) -> None:
    stub.serve("/youtube/v3/videos", Reply.json({"items": []}))
    stub.serve("/youtube/v3/channels", Reply.json({"items": []}))
    stub.serve("/youtube/v3/commentThreads", NO_COMMENTS)


def test_a_new_watch_gets_the_videos_of_the_last_day_with_views_and_subscribers(
    stub: HttpStub,
) -> None:
    # Given a search that answers one recorded page, then no more
    serve_defaults(stub)
    stub.serve("/youtube/v3/search", Reply.file(SEARCH_P1, "application/json"), END)
    stub.serve(
        "/youtube/v3/videos",
        Reply.json(
            {
                "items": [
                    {
                        "id": "gQ_1zX-F_No",
                        "statistics": {"viewCount": "1200", "likeCount": "80", "commentCount": "7"},
                    }
                ]
            }
        ),
    )
    stub.serve(
        "/youtube/v3/channels",
        Reply.json(
            {
                "items": [
                    {
                        "id": "UCo_q6aOlvPH7M-j_XGWVgXg",
                        "statistics": {
                            "subscriberCount": "1927873",
                            "hiddenSubscriberCount": False,
                        },
                    }
                ]
            }
        ),
    )
    budgets = MemoryBudgets()

    # When a new watch is polled
    result = connector(stub, budgets).fetch(WATCH, YT, {})

    # Then each video is a mention with its link, channel, reach and engagement
    videos = {m.native_id: m for m in result.mentions}
    assert len(videos) == 25
    first = videos["gQ_1zX-F_No"]
    assert first.url == "https://www.youtube.com/watch?v=gQ_1zX-F_No"
    assert first.author.name == "Jamie O'Brien"
    assert first.author.url == "https://www.youtube.com/channel/UCo_q6aOlvPH7M-j_XGWVgXg"
    assert first.author.reach == 1927873
    assert first.engagement == {"views": 1200, "likes": 80, "comments": 7}
    assert first.published_at == datetime(2019, 12, 5, 19, 0, 10, tzinfo=UTC)
    # and the search asked for videos newer than a day ago, newest first, with the key
    query = stub.requests_to("/youtube/v3/search")[0].query
    assert query["publishedAfter"] == "2019-12-05T12:00:00Z"
    assert (query["order"], query["type"], query["key"], query["q"]) == (
        "date",
        "video",
        KEY,
        "surfing",
    )
    # and the cursor moves to the newest video, with the run finished
    assert result.cursor["since"] == "2019-12-06T08:25:39Z"
    assert result.cursor["page_token"] is None
    assert len(result.cursor["videos"]) == 10
    # and the quota paid: 2 searches, 1 videos.list + 1 channels.list, 10 comment reads
    assert budgets.used(SCOPE) == 2 * 100 + 2 + 10


def test_a_run_cut_by_the_page_bound_goes_on_from_its_page_token(stub: HttpStub) -> None:
    serve_defaults(stub)
    stub.serve("/youtube/v3/search", Reply.file(SEARCH_P1, "application/json"), END)
    budgets = MemoryBudgets()
    yt = connector(stub, budgets, pages=1)

    first = yt.fetch(WATCH, YT, {})
    second = yt.fetch(WATCH, YT, first.cursor)

    searches = stub.requests_to("/youtube/v3/search")
    assert first.cursor["page_token"] == "CBkQAA"
    assert first.cursor["since"] == "2019-12-05T12:00:00Z"
    assert searches[1].query["pageToken"] == "CBkQAA"
    assert searches[1].query["publishedAfter"] == "2019-12-05T12:00:00Z"
    assert second.cursor["page_token"] is None
    assert second.cursor["since"] == "2019-12-06T08:25:39Z"


def test_comments_of_followed_videos_only_newer_than_the_last_one_seen(stub: HttpStub) -> None:
    serve_defaults(stub)
    stub.serve("/youtube/v3/search", END)
    stub.serve("/youtube/v3/commentThreads", Reply.file(COMMENTS, "application/json"))
    cursor = {"since": "2026-11-21T00:00:00Z", "videos": {"F1UP7wRCPH8": "2019-11-20T00:00:00Z"}}

    result = connector(stub, MemoryBudgets()).fetch(WATCH, YT, cursor)

    assert [m.text for m in result.mentions] == [
        "Google.com",
        "Please use CLS on your own search results page..",
    ]
    comment = result.mentions[0]
    assert comment.url == (
        "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    )
    assert comment.author.url == "https://www.youtube.com/channel/UCzj-CjKYmGlZ7vTL-vOe57A"
    assert comment.engagement == {"likes": 0, "replies": 0}
    assert result.cursor["videos"] == {"F1UP7wRCPH8": "2019-11-26T15:51:44Z"}
    assert stub.requests_to("/youtube/v3/commentThreads")[0].query["order"] == "time"


def test_a_used_up_quota_stops_the_poll_without_calling_youtube(stub: HttpStub) -> None:
    serve_defaults(stub)
    stub.serve("/youtube/v3/search", Reply.file(SEARCH_P1, "application/json"))
    budgets = MemoryBudgets()
    budgets.usage[SCOPE] = 9950

    with pytest.raises(SourceError) as caught:
        connector(stub, budgets).fetch(WATCH, YT, {})

    assert caught.value.reason == "budget"
    assert caught.value.transient is False
    assert str(caught.value) == (
        "youtube: YouTube daily quota of 10000 units used up until 2019-12-07 00:00 Pacific"
    )
    assert stub.received == []
    assert budgets.used(SCOPE) == 9950


def test_a_missing_api_key_is_a_credentials_error_naming_the_parameter(stub: HttpStub) -> None:
    with pytest.raises(SourceError) as caught:
        connector(stub, MemoryBudgets(), key=None).fetch(WATCH, YT, {})

    assert caught.value.reason == "credentials"
    assert "credentials missing: set SSM parameter" in str(caught.value)
    assert str(caught.value).endswith("/sources/youtube/api-key")
    assert stub.received == []


def test_a_rejected_key_is_not_retried(stub: HttpStub) -> None:
    stub.serve("/youtube/v3/search", Reply.json({"error": {"code": 403}}, status=403))

    with pytest.raises(SourceError) as caught:
        connector(stub, MemoryBudgets()).fetch(WATCH, YT, {})

    assert caught.value.reason == "credentials"
    assert caught.value.transient is False
    assert "credentials rejected (403)" in str(caught.value)
    assert len(stub.requests_to("/youtube/v3/search")) == 1


def test_a_video_with_comments_turned_off_is_no_longer_followed(stub: HttpStub) -> None:
    serve_defaults(stub)
    stub.serve("/youtube/v3/search", END)
    stub.serve("/youtube/v3/commentThreads", Reply.json({"error": {"code": 403}}, status=403))

    result = connector(stub, MemoryBudgets()).fetch(
        WATCH, YT, {"since": "2026-11-21T00:00:00Z", "videos": {"abc": "2026-11-20T00:00:00Z"}}
    )

    assert result.mentions == ()
    assert result.cursor["videos"] == {}


def test_parse_reads_recorded_search_and_comment_pages() -> None:
    videos = parse(SEARCH_P1.read_bytes())
    comments = parse(COMMENTS.read_bytes())

    assert len(videos) == 25
    assert all(m.source == "youtube" and m.url.startswith("https://") for m in videos)
    assert [m.author.name for m in comments][:2] == ["himani agarwal", "el bojo loco"]
    assert json.loads(COMMENTS.read_text())["items"][0]["id"] == comments[0].native_id
