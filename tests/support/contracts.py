"""The contract every registered pull source is tested against (tests/unit/test_source_contract.py).

Each registry key needs one `Contract` in CONTRACTS: its recorded payloads, how to point it at a
local `HttpStub`, the watch source and cursor to poll with, and what its search request must
carry. A source without an entry fails the contract tests: add one here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.models import SourceRef
from chalicelib.domain.ports import Connector
from chalicelib.settings import Settings
from chalicelib.sources import bluesky
from chalicelib.sources.appstore import AppStoreConnector
from chalicelib.sources.base import HttpClient
from chalicelib.sources.bluesky import BlueskyConnector
from chalicelib.sources.credentials import SecretReader
from chalicelib.sources.github import GitHubConnector
from chalicelib.sources.hackernews import HackerNewsConnector
from chalicelib.sources.mastodon import MastodonConnector
from chalicelib.sources.reddit import RedditConnector
from chalicelib.sources.rss import FeedConnector
from chalicelib.sources.stackexchange import StackExchangeConnector
from chalicelib.sources.x import XConnector
from chalicelib.sources.youtube import YouTubeConnector
from tests.support.fakes import MemoryBudgets
from tests.support.http_stub import HttpStub, Received, Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

Build = Callable[[Settings, HttpClient, SecretReader], Connector]


def _nothing(stub: HttpStub) -> None:
    pass


@dataclass(frozen=True)
class Contract:
    payloads: tuple[str, ...]  # recorded bodies under tests/fixtures/, each gives >= 1 mention
    path: str  # the stub path of the request that fetches mentions
    page: str  # the recorded body served there when the platform answers
    empty: str  # a body meaning "nothing new"
    configure: Callable[[Settings, str], Settings]  # point the settings at the stub's base URL
    build: Build  # the connector with the test's HTTP client and secrets
    source: Callable[[str], SourceRef]  # the watch's source, given the stub's base URL
    cursor: Mapping[str, Any]  # a cursor older than everything in `page`
    expect_request: Callable[[Received], None]  # the search carries the query and the cursor
    query: str = "Acme"
    secrets: Mapping[str, str] = field(default_factory=dict)  # name after the prefix -> value
    prepare: Callable[[HttpStub], None] = _nothing  # routes besides the search (logins)
    content_type: str = "application/json"


def host_of(base_url: str) -> str:
    return urlsplit(base_url).netloc


def _reddit_request(request: Received) -> None:
    assert request.query["q"] == "Acme"
    assert request.query["sort"] == "new"
    assert request.headers["authorization"] == "bearer <ACCESS_TOKEN>"


def _reddit_prepare(stub: HttpStub) -> None:
    token = (FIXTURES / "reddit/access_token_client_credentials_response.json").read_text()
    stub.serve("/api/v1/access_token", Reply(200, token, {"Content-Type": "application/json"}))


def _mastodon_request(request: Received) -> None:
    assert request.query["min_id"] == "1"


def _bluesky_request(request: Received) -> None:
    assert request.query["q"] == "Acme"
    assert request.query["sort"] == "latest"
    assert request.query["since"] == "2023-01-01T00:00:00Z"
    assert request.headers["authorization"] == "Bearer access-1"


def _bluesky_prepare(stub: HttpStub) -> None:
    bluesky.reset_sessions()
    session = {
        "accessJwt": "access-1",
        "refreshJwt": "refresh-1",
        "did": "did:plc:t",
        "handle": "t",
    }
    stub.serve("/xrpc/com.atproto.server.createSession", Reply.json(session))


def _stackexchange_request(request: Received) -> None:
    assert request.query["q"] == "Acme"
    assert request.query["site"] == "stackoverflow"
    assert request.query["fromdate"] == "1388534400"  # 2014-01-01
    assert request.query["sort"] == "creation"


def _github_request(request: Received) -> None:
    assert request.query["q"] == "Acme in:title,body created:>=2022-01-01T00:00:00Z"
    assert request.query["sort"] == "created"
    assert request.headers["x-github-api-version"] == "2022-11-28"


def _hackernews_request(request: Received) -> None:
    assert request.query["query"] == "Acme"
    assert request.query["numericFilters"].startswith("created_at_i>")


def _rss_request(request: Received) -> None:
    assert "application/rss+xml" in request.headers["accept"]


def _youtube_request(request: Received) -> None:
    assert request.query["q"] == "Acme"
    assert request.query["order"] == "date"
    assert request.query["publishedAfter"] == "2019-01-01T00:00:00Z"
    assert request.query["key"] == "yt-key"


def _youtube_prepare(stub: HttpStub) -> None:
    for endpoint in ("videos", "channels", "commentThreads"):
        stub.serve(f"/youtube/v3/{endpoint}", Reply.json({"items": []}))


def _x_request(request: Received) -> None:
    assert request.query["query"] == "Acme -is:retweet"
    assert request.query["since_id"] == "1"
    assert request.headers["authorization"] == "Bearer x-token"


def _appstore_request(request: Received) -> None:
    assert request.path.endswith("/id=1592550875/sortby=mostrecent/json")


CONTRACTS: dict[str, Contract] = {
    "reddit": Contract(
        payloads=(
            "reddit/search_listing_oauth_2016.json",
            "reddit/r_all_comments_before_cursor.json",
            "reddit/search_rss_trimmed_fixture.xml",
        ),
        path="/oauth/r/all/search",
        page="reddit/search_listing_oauth_2016.json",
        empty="reddit/r_all_comments_empty_listing.json",
        configure=lambda s, base: replace(
            s,
            reddit_url=base + "/oauth",
            reddit_auth_url=base + "/api/v1/access_token",
            reddit_public_url=base,
        ),
        build=lambda s, http, secrets: RedditConnector(s, http=http, secrets=secrets),
        source=lambda base: SourceRef("reddit"),
        cursor={"since": "2015-01-01T00:00:00+00:00", "seen": []},
        expect_request=_reddit_request,
        secrets={"sources/reddit/client-id": "id", "sources/reddit/client-secret": "secret"},
        prepare=_reddit_prepare,
    ),
    "mastodon": Contract(
        payloads=(
            "mastodon/status_entity_example.json",
            "mastodon/timeline_tag_from_status_example.json",
        ),
        path="/api/v1/timelines/tag/Acme",
        page="mastodon/timeline_tag_from_status_example.json",
        empty="[]",
        configure=lambda s, base: replace(s, mastodon_scheme="http"),
        build=lambda s, http, secrets: MastodonConnector(s, http=http, secrets=secrets),
        source=lambda base: SourceRef("mastodon", host_of(base)),
        cursor={"min_id": {"tag:acme": "1"}},
        expect_request=_mastodon_request,
    ),
    "bluesky": Contract(
        payloads=(
            "bluesky/getPostThread_postView_marshalx_fixture.json",
            "bluesky/searchPosts_envelope_with_marshalx_postView.json",
        ),
        path="/xrpc/app.bsky.feed.searchPosts",
        page="bluesky/searchPosts_envelope_with_marshalx_postView.json",
        empty='{"posts": []}',
        configure=lambda s, base: replace(s, bluesky_url=base),
        build=lambda s, http, secrets: BlueskyConnector(s, http=http, secrets=secrets),
        source=lambda base: SourceRef("bluesky"),
        cursor={"since": "2023-01-01T00:00:00+00:00", "seen": []},
        expect_request=_bluesky_request,
        secrets={
            "sources/bluesky/identifier": "tidings.bsky.social",
            "sources/bluesky/app-password": "abcd-efgh-ijkl-mnop",
        },
        prepare=_bluesky_prepare,
    ),
    "stackexchange": Contract(
        payloads=("stackexchange/questions_default_filter_sample_2_2.json",),
        path="/2.3/search/advanced",
        page="stackexchange/questions_default_filter_sample_2_2.json",
        empty='{"items": [], "has_more": false, "quota_max": 10000, "quota_remaining": 9000}',
        configure=lambda s, base: replace(s, stackexchange_url=base + "/2.3"),
        build=lambda s, http, secrets: StackExchangeConnector(s, http=http, secrets=secrets),
        source=lambda base: SourceRef("stackexchange", "stackoverflow"),
        cursor={"since": "2014-01-01T00:00:00+00:00", "seen": []},
        expect_request=_stackexchange_request,
    ),
    "github": Contract(
        payloads=("github/search_issues_response_body.json",),
        path="/search/issues",
        page="github/search_issues_response_body.json",
        empty='{"total_count": 0, "incomplete_results": false, "items": []}',
        configure=lambda s, base: replace(s, github_url=base, github_graphql_url=base + "/graphql"),
        build=lambda s, http, secrets: GitHubConnector(s, http=http, secrets=secrets),
        source=lambda base: SourceRef("github"),
        cursor={"issues": {"since": "2022-01-01T00:00:00+00:00", "seen": []}},
        expect_request=_github_request,
    ),
    "hackernews": Contract(
        payloads=("hackernews/search_by_date_page1.json",),
        path="/api/v1/search_by_date",
        page="hackernews/search_by_date_page1.json",
        empty='{"hits": [], "nbHits": 0}',
        configure=lambda s, base: replace(s, hackernews_url=base + "/api/v1"),
        build=lambda s, http, secrets: HackerNewsConnector(s, http=http),
        source=lambda base: SourceRef("hackernews"),
        cursor={"created_at_i": 1500000000, "seen": {}, "gaps": {}},
        expect_request=_hackernews_request,
    ),
    "rss": Contract(
        payloads=("rss/blog_atom.xml", "rss/google_news_search_trimmed_fixture.xml"),
        path="/feed.xml",
        page="rss/blog_atom.xml",
        empty=(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
        ),
        configure=lambda s, base: s,
        build=lambda s, http, secrets: FeedConnector(s, http=http),
        source=lambda base: SourceRef("rss", base + "/feed.xml"),
        cursor={"published": "2000-01-01T00:00:00+00:00", "seen": []},
        expect_request=_rss_request,
        content_type="application/atom+xml",
    ),
    "youtube": Contract(
        payloads=(
            "youtube/search_search_by_keywords_p1.json",
            "youtube/comment_threads_comment_threads_by_video_paged_2.json",
        ),
        path="/youtube/v3/search",
        page="youtube/search_search_by_keywords_p1.json",
        empty='{"kind": "youtube#searchListResponse", "items": []}',
        configure=lambda s, base: replace(s, youtube_url=base + "/youtube/v3"),
        build=lambda s, http, secrets: YouTubeConnector(
            s, http=http, secrets=secrets, budgets=MemoryBudgets()
        ),
        source=lambda base: SourceRef("youtube"),
        cursor={"since": "2019-01-01T00:00:00Z"},
        expect_request=_youtube_request,
        secrets={"sources/youtube/api-key": "yt-key"},
        prepare=_youtube_prepare,
    ),
    "x": Contract(
        payloads=("x/search_recent_tweepy_cassette_decoded_body.json",),
        path="/2/tweets/search/recent",
        page="x/search_recent_tweepy_cassette_decoded_body.json",
        empty='{"meta": {"result_count": 0}}',
        configure=lambda s, base: replace(s, x_url=base + "/2"),
        build=lambda s, http, secrets: XConnector(
            s, http=http, secrets=secrets, budgets=MemoryBudgets()
        ),
        source=lambda base: SourceRef("x"),
        cursor={"since_id": "1"},
        expect_request=_x_request,
        secrets={"sources/x/bearer-token": "x-token"},
    ),
    "appstore": Contract(
        payloads=("appstore/customerreviews_json_2026_partially_modified_fixture.json",),
        path="/in/rss/customerreviews/page=1/id=1592550875/sortby=mostrecent/json",
        page="appstore/customerreviews_json_2026_partially_modified_fixture.json",
        empty='{"feed": {}}',
        configure=lambda s, base: replace(s, appstore_url=base),
        build=lambda s, http, secrets: AppStoreConnector(s, http=http),
        source=lambda base: SourceRef("appstore", "1592550875@in"),
        cursor={"updated": "2020-01-01T00:00:00+00:00", "seen": []},
        expect_request=_appstore_request,
    ),
}


def body_of(text_or_fixture: str) -> bytes:
    """A fixture's bytes when the string names one, else the string itself."""
    path = FIXTURES / text_or_fixture
    if len(text_or_fixture) < 200 and "/" in text_or_fixture and path.is_file():
        return path.read_bytes()
    return text_or_fixture.encode()


def json_of(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())
