"""Reddit against a local server: app-only OAuth with a cached token, the public feed fallback,
subreddit comments, and its rate-limit headers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.reddit import RedditConnector, parse
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "reddit"
SEARCH = (FIXTURES / "search_listing_oauth_2016.json").read_bytes()
COMMENTS = (FIXTURES / "r_all_comments_before_cursor.json").read_bytes()
TOKEN = (FIXTURES / "access_token_client_credentials_response.json").read_bytes()
FEED = (FIXTURES / "search_rss_trimmed_fixture.xml").read_bytes()
SECRETS = {
    "/tidings/dev/sources/reddit/client-id": "client",
    "/tidings/dev/sources/reddit/client-secret": "secret",
}
CURSOR = {"since": "2015-01-01T00:00:00+00:00", "seen": []}


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(stub: HttpStub, secrets: dict[str, str] | None = None) -> RedditConnector:
    settings = replace(
        get_settings(),
        parameter_prefix="/tidings/dev",
        reddit_url=stub.url("/oauth"),
        reddit_auth_url=stub.url(f"/api/v1/access_token/{id(stub)}"),  # a token cache per test
        reddit_public_url=stub.base_url,
    )
    found = SECRETS if secrets is None else secrets
    http = HttpClient("reddit", timeout_s=5, sleep=lambda _: None, max_attempts=1)
    return RedditConnector(settings, http=http, secrets=found.get)


def watch(target: str = "") -> tuple[Watch, SourceRef]:
    source = SourceRef("reddit", target)
    return Watch(id="acme", name="Acme", query='Acme OR "Acme Cloud"', sources=(source,)), source


def json_reply(body: bytes, **headers: str) -> Reply:
    return Reply(200, body, {"Content-Type": "application/json", **headers})


def test_posts_are_searched_with_a_token_fetched_once_for_many_polls(stub: HttpStub) -> None:
    # Given Reddit grants a token and answers the search
    stub.serve(f"/api/v1/access_token/{id(stub)}", json_reply(TOKEN))
    stub.serve("/oauth/r/all/search", json_reply(SEARCH))
    reddit = connector(stub)
    the_watch, source = watch()

    # When the watch is polled twice
    first = reddit.fetch(the_watch, source, CURSOR)
    reddit.fetch(the_watch, source, first.cursor)

    # Then the token was asked for once, sent as a bearer, and the query ORs the terms
    token_requests = stub.requests_to(f"/api/v1/access_token/{id(stub)}")
    assert len(token_requests) == 1
    assert token_requests[0].method == "POST"
    assert token_requests[0].body == b"grant_type=client_credentials"
    assert token_requests[0].headers["authorization"].startswith("Basic ")
    search = stub.requests_to("/oauth/r/all/search")[0]
    assert search.query["q"] == 'Acme OR "Acme Cloud"'
    assert search.headers["authorization"] == "bearer <ACCESS_TOKEN>"
    # And the posts after the cursor come back newest first, with absolute links
    assert [m.native_id for m in first.mentions] == [
        "t3_4at068",
        "t3_3x4kt2",
        "t3_3qc02b",
        "t3_3gpbiu",
        "t3_3b4erh",
    ]
    assert all(m.url.startswith("https://www.reddit.com/r/") for m in first.mentions)
    assert first.cursor["since"] == "2016-03-17T13:33:54+00:00"


def test_a_subreddit_target_also_reads_its_new_comments(stub: HttpStub) -> None:
    # Given a watch on r/army
    stub.serve(f"/api/v1/access_token/{id(stub)}", json_reply(TOKEN))
    stub.serve("/oauth/r/army/search", json_reply(b'{"kind":"Listing","data":{"children":[]}}'))
    stub.serve("/oauth/r/army/comments", json_reply(COMMENTS))
    the_watch, source = watch("r/army")

    # When it is polled
    result = connector(stub).fetch(the_watch, source, {"since": "2016-12-01T00:00:00+00:00"})

    # Then the search is restricted to the subreddit and the comments are mentions with links
    assert stub.requests_to("/oauth/r/army/search")[0].query["restrict_sr"] == "true"
    comment = next(m for m in result.mentions if m.native_id == "t1_dbhn183")
    assert comment.url == "https://www.reddit.com/r/army/comments/5jmfuc/_/dbhn183/"
    assert comment.text == "That's a good idea, thank you"
    assert comment.author.handle == "u/jsow"


def test_without_credentials_it_falls_back_to_the_public_search_feed(stub: HttpStub) -> None:
    # Given no client id or secret in SSM and the public feed answering
    stub.serve("/search.rss", Reply(200, FEED, {"Content-Type": "application/atom+xml"}))
    the_watch, source = watch()

    # When the watch is polled
    result = connector(stub, secrets={}).fetch(the_watch, source, {})

    # Then the feed is asked for links only, newest first, and its posts are mentions
    request = stub.requests_to("/search.rss")[0]
    assert request.query == {"q": 'Acme OR "Acme Cloud"', "sort": "new", "type": "link"}
    assert result.mentions[0].native_id == "t3_1w4dj6h"
    assert result.mentions[0].author.name == "ControlCAD"


def test_rejected_credentials_are_reported_not_retried(stub: HttpStub) -> None:
    # Given Reddit refuses the client credentials
    stub.serve(f"/api/v1/access_token/{id(stub)}", Reply(401, '{"message": "Unauthorized"}'))
    the_watch, source = watch()

    # When polled, Then the error says the credentials were rejected, permanently
    with pytest.raises(SourceError) as raised:
        connector(stub).fetch(the_watch, source, CURSOR)
    assert not raised.value.transient
    assert raised.value.reason == "credentials"
    assert "credentials rejected" in str(raised.value)


def test_a_used_up_rate_limit_holds_the_next_request_back(stub: HttpStub) -> None:
    # Given a search answered with no requests left in the window for 120 seconds
    stub.serve(f"/api/v1/access_token/{id(stub)}", json_reply(TOKEN))
    stub.serve(
        "/oauth/r/all/search",
        json_reply(SEARCH, **{"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "120"}),
    )
    reddit = connector(stub)
    the_watch, source = watch()
    reddit.fetch(the_watch, source, CURSOR)

    # When the next poll comes before the reset
    with pytest.raises(SourceError) as raised:
        reddit.fetch(the_watch, source, CURSOR)

    # Then it fails transiently without spending a request
    assert raised.value.transient
    assert "rate limit used up" in str(raised.value)
    assert len(stub.requests_to("/oauth/r/all/search")) == 1


def test_a_body_that_is_not_a_listing_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="not a Reddit listing"):
        parse(b'{"kind": "t2", "data": {}}')


def test_a_revoked_token_is_reported_and_replaced_on_the_next_poll(stub: HttpStub) -> None:
    # Given a cached token that Reddit stops accepting after the first poll
    stub.serve(f"/api/v1/access_token/{id(stub)}", json_reply(TOKEN))
    stub.serve("/oauth/r/all/search", json_reply(SEARCH), Reply(401, "{}"), json_reply(SEARCH))
    reddit = connector(stub)
    the_watch, source = watch()
    reddit.fetch(the_watch, source, CURSOR)

    # When the next poll is refused
    with pytest.raises(SourceError) as raised:
        reddit.fetch(the_watch, source, CURSOR)
    assert raised.value.reason == "credentials"

    # Then the poll after it asks for a new token and succeeds
    assert reddit.fetch(the_watch, source, CURSOR).mentions
    assert len(stub.requests_to(f"/api/v1/access_token/{id(stub)}")) == 2
