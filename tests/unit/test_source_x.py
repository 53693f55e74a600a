"""The X connector against a local server that answers like API v2 recent search."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.x import XConnector, parse
from tests.support.fakes import MemoryBudgets
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "x"
RECORDED = FIXTURES / "search_recent_tweepy_cassette_decoded_body.json"
SEARCH = "/2/tweets/search/recent"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SCOPE = "x#acme#2026-11"
X = SourceRef("x")
WATCH = Watch(id="acme", name="Acme", query='Acme OR "acme cloud"', sources=(X,))
TOKEN = "bearer-for-tests"


def expanded(*posts: tuple[str, str], next_token: str | None = None) -> dict[str, Any]:
    """A recent-search page with the author expansion, shaped as the v2 reference documents."""
    meta: dict[str, Any] = {"result_count": len(posts)}
    if posts:
        meta.update(newest_id=posts[0][0], oldest_id=posts[-1][0])
    if next_token:
        meta["next_token"] = next_token
    return {
        "data": [
            {
                "id": post_id,
                "text": text,
                "author_id": "42",
                "created_at": "2026-11-21T10:00:00.000Z",
                "lang": "en",
                "public_metrics": {
                    "retweet_count": 2,
                    "reply_count": 1,
                    "like_count": 9,
                    "quote_count": 0,
                },
            }
            for post_id, text in posts
        ],
        "includes": {
            "users": [
                {
                    "id": "42",
                    "username": "jane",
                    "name": "Jane Doe",
                    "public_metrics": {"followers_count": 1234},
                }
            ]
        },
        "meta": meta,
    }


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(
    stub: HttpStub, budgets: MemoryBudgets, *, pages: int = 5, token: str | None = TOKEN
) -> XConnector:
    settings = replace(
        get_settings(), x_url=stub.url("/2"), poll_max_pages=pages, x_monthly_reads_per_watch=10000
    )
    return XConnector(
        settings,
        http=HttpClient("x", timeout_s=5, sleep=lambda _: None),
        budgets=budgets,
        secrets=lambda name: token if name.endswith("/sources/x/bearer-token") else None,
        now=lambda: NOW,
    )


def test_a_new_watch_reads_the_last_day_page_by_page_and_pays_per_post(stub: HttpStub) -> None:
    # Given a recorded page of 10 posts with a next page of 2 posts
    stub.serve(
        SEARCH,
        Reply.file(RECORDED, "application/json"),
        Reply.json(
            expanded(("1578511000000000000", "Acme is great"), ("1578510000000000000", "x"))
        ),
    )
    budgets = MemoryBudgets()

    # When a new watch is polled
    result = connector(stub, budgets).fetch(WATCH, X, {})

    # Then every post is a mention, timed from its id when created_at was not returned
    assert len(result.mentions) == 12
    first = result.mentions[0]
    assert first.native_id == "1578516068309794817"
    assert first.url == "https://x.com/i/web/status/1578516068309794817"
    assert first.published_at.replace(microsecond=0) == datetime(
        2022, 10, 7, 22, 42, 12, tzinfo=UTC
    )
    # and the search was for the query's terms, without reposts, since a day ago, with the token
    requests = stub.requests_to(SEARCH)
    assert requests[0].query["query"] == 'Acme OR "acme cloud" -is:retweet'
    assert requests[0].query["start_time"] == "2026-11-20T12:00:00Z"
    assert requests[0].query["expansions"] == "author_id"
    assert requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert requests[1].query["next_token"] == "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul"
    # and the budget counts the posts returned, not the 100 reserved per page
    assert budgets.used(SCOPE) == 12
    # and the next poll starts after the newest post of this run
    assert result.cursor["since_id"] == "1578516068309794817"
    assert result.cursor["next_token"] is None


def test_authors_reach_engagement_and_links_come_from_the_expansion(stub: HttpStub) -> None:
    stub.serve(SEARCH, Reply.json(expanded(("1860000000000000000", "Acme support rocks"))))

    result = connector(stub, MemoryBudgets()).fetch(WATCH, X, {"since_id": "1"})

    (post,) = result.mentions
    assert post.url == "https://x.com/jane/status/1860000000000000000"
    assert (post.author.name, post.author.handle, post.author.reach) == ("Jane Doe", "jane", 1234)
    assert post.author.url == "https://x.com/jane"
    assert post.engagement == {"likes": 9, "reposts": 2, "replies": 1, "quotes": 0}
    assert post.language == "en"
    assert post.published_at == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert stub.requests_to(SEARCH)[0].query["since_id"] == "1"
    assert result.cursor["since_id"] == "1860000000000000000"


def test_a_used_up_monthly_budget_stops_the_poll_and_says_until_when(stub: HttpStub) -> None:
    stub.serve(SEARCH, Reply.file(RECORDED, "application/json"))
    budgets = MemoryBudgets()
    budgets.usage[SCOPE] = 9995

    with pytest.raises(SourceError) as caught:
        connector(stub, budgets).fetch(WATCH, X, {"since_id": "1"})

    assert caught.value.reason == "budget"
    assert caught.value.transient is False
    assert str(caught.value) == (
        "x: X monthly read budget of 10000 posts for watch acme used up until 2026-12-01"
    )
    assert stub.received == []


def test_the_last_of_the_budget_is_spent_with_a_smaller_page(stub: HttpStub) -> None:
    stub.serve(SEARCH, Reply.json(expanded(("1860000000000000000", "Acme"), next_token="more")))
    budgets = MemoryBudgets()
    budgets.usage[SCOPE] = 9950

    result = connector(stub, budgets, pages=1).fetch(WATCH, X, {"since_id": "1"})

    assert stub.requests_to(SEARCH)[0].query["max_results"] == "50"
    assert budgets.used(SCOPE) == 9951
    # the run is not finished: the next poll goes on from the page it reached
    assert result.cursor["next_token"] == "more"
    assert result.cursor["since_id"] == "1"


def test_an_exhausted_rate_limit_pauses_polling_until_the_reset(stub: HttpStub) -> None:
    reset = int(NOW.timestamp()) + 600
    stub.serve(
        SEARCH,
        Reply.json(
            expanded(("1860000000000000000", "Acme"), next_token="page2"),
            **{"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
        ),
    )
    x = connector(stub, MemoryBudgets())

    first = x.fetch(WATCH, X, {"since_id": "1"})
    second = x.fetch(WATCH, X, first.cursor)

    assert len(stub.requests_to(SEARCH)) == 1
    assert first.cursor["paused_until"] == reset
    assert first.cursor["next_token"] == "page2"
    assert second.mentions == ()
    assert second.cursor == first.cursor


def test_a_rejected_token_is_a_credentials_error_and_not_retried(stub: HttpStub) -> None:
    stub.serve(SEARCH, Reply.json({"title": "Unauthorized"}, status=401))
    budgets = MemoryBudgets()

    with pytest.raises(SourceError) as caught:
        connector(stub, budgets).fetch(WATCH, X, {})

    assert caught.value.reason == "credentials"
    assert "credentials rejected (401): check SSM parameter" in str(caught.value)
    assert len(stub.requests_to(SEARCH)) == 1
    assert budgets.used(SCOPE) == 0


def test_a_missing_token_is_a_credentials_error(stub: HttpStub) -> None:
    with pytest.raises(SourceError) as caught:
        connector(stub, MemoryBudgets(), token=None).fetch(WATCH, X, {})

    assert caught.value.reason == "credentials"
    assert str(caught.value).endswith("/sources/x/bearer-token")
    assert stub.received == []


def test_parse_reads_a_recorded_response() -> None:
    mentions = parse(RECORDED.read_bytes())

    assert len(mentions) == 10
    assert mentions[0].text == "2022-10-07 22:42:12.637103 tweepy"
    assert all(m.source == "x" and m.published_at.tzinfo is UTC for m in mentions)
