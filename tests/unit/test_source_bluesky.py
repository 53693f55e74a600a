"""Bluesky against a local PDS: one login per process, refreshed sessions, and credentials
that are missing or refused reported as such."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources import bluesky
from chalicelib.sources.base import HttpClient
from chalicelib.sources.bluesky import BlueskyConnector
from tests.support.http_stub import HttpStub, Received, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bluesky"
PAGE = json.loads((FIXTURES / "searchPosts_envelope_with_marshalx_postView.json").read_text())
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
LOGIN = "/xrpc/com.atproto.server.createSession"
REFRESH = "/xrpc/com.atproto.server.refreshSession"
SECRETS = {
    "/t/sources/bluesky/identifier": "acme.bsky.social",
    "/t/sources/bluesky/app-password": "pw",
}
SOURCE = SourceRef("bluesky")
WATCH = Watch(id="acme", name="Acme", query="Acme", sources=(SOURCE,))


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    bluesky.reset_sessions()
    with HttpStub() as server:
        yield server
    bluesky.reset_sessions()


def connector(stub: HttpStub, secrets: dict[str, str] = SECRETS) -> BlueskyConnector:
    settings = replace(get_settings(), bluesky_url=stub.base_url, parameter_prefix="/t")
    http = HttpClient("bluesky", timeout_s=5, sleep=lambda _: None, max_attempts=1)
    return BlueskyConnector(settings, http=http, secrets=secrets.get)


def session(n: int) -> Reply:
    return Reply.json({"accessJwt": f"access-{n}", "refreshJwt": f"refresh-{n}", "did": "d"})


def page_without_cursor() -> dict[str, Any]:
    return {key: value for key, value in PAGE.items() if key != "cursor"}


def test_one_login_serves_every_poll_of_the_process(stub: HttpStub) -> None:
    # Given a PDS that logs in and answers the search
    stub.serve(LOGIN, session(1))
    stub.serve(SEARCH, Reply.json(page_without_cursor()))

    # When two connectors (two poll jobs) poll
    first = connector(stub).fetch(WATCH, SOURCE, {})
    connector(stub).fetch(WATCH, SOURCE, first.cursor)

    # Then the app password was sent once, and both searches used the session
    logins = stub.requests_to(LOGIN)
    assert len(logins) == 1
    assert json.loads(logins[0].body) == {"identifier": "acme.bsky.social", "password": "pw"}
    assert [r.headers["authorization"] for r in stub.requests_to(SEARCH)] == [
        "Bearer access-1",
        "Bearer access-1",
    ]
    # And the post is a mention with its bsky.app link and language
    [mention] = first.mentions
    assert mention.url == "https://bsky.app/profile/test.marshal.dev/post/3kaheyt6vpc22"
    assert mention.language == "en"
    assert first.cursor["since"] == "2023-09-28T12:49:36.735000+00:00"


def test_an_expired_session_is_refreshed_not_logged_in_again(stub: HttpStub) -> None:
    # Given a cached session whose access token has expired
    stub.serve(LOGIN, session(1))
    stub.serve(REFRESH, session(2))

    def search(request: Received) -> Reply:
        if request.headers["authorization"] == "Bearer access-1":
            return Reply.json({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        return Reply.json(page_without_cursor())

    stub.serve(SEARCH, search)

    # When the watch is polled
    result = connector(stub).fetch(WATCH, SOURCE, {})

    # Then the refresh token renewed the session and the search succeeded with it
    assert len(stub.requests_to(LOGIN)) == 1
    assert stub.requests_to(REFRESH)[0].headers["authorization"] == "Bearer refresh-1"
    assert len(result.mentions) == 1


def test_missing_credentials_name_the_parameters_to_set(stub: HttpStub) -> None:
    with pytest.raises(SourceError) as raised:
        connector(stub, secrets={}).fetch(WATCH, SOURCE, {})

    assert str(raised.value) == (
        "bluesky: credentials missing: set SSM parameter /t/sources/bluesky/identifier"
        " and /t/sources/bluesky/app-password"
    )
    assert raised.value.reason == "credentials"
    assert not raised.value.transient
    assert stub.received == []


def test_a_refused_app_password_is_reported_not_retried(stub: HttpStub) -> None:
    stub.serve(LOGIN, Reply.json({"error": "AuthenticationRequired"}, 401))

    with pytest.raises(SourceError, match="credentials rejected") as raised:
        connector(stub).fetch(WATCH, SOURCE, {})

    assert not raised.value.transient
    assert stub.requests_to(SEARCH) == []


def test_the_search_asks_for_the_latest_posts_since_the_cursor_and_pages(stub: HttpStub) -> None:
    stub.serve(LOGIN, session(1))
    stub.serve(SEARCH, Reply.json(PAGE), Reply.json({"posts": []}))

    connector(stub).fetch(WATCH, SOURCE, {"since": "2023-01-01T00:00:00+00:00", "seen": []})

    first, second = stub.requests_to(SEARCH)
    assert first.query == {
        "q": "Acme",
        "sort": "latest",
        "limit": "100",
        "since": "2023-01-01T00:00:00Z",
    }
    assert second.query["cursor"] == PAGE["cursor"]


def test_authors_reach_comes_from_their_profiles(stub: HttpStub) -> None:
    # Given the author's profile says 1,234 followers
    stub.serve(LOGIN, session(1))
    stub.serve(SEARCH, Reply.json(page_without_cursor()))
    profile = {"handle": "test.marshal.dev", "did": "did:plc:k", "followersCount": 1234}
    stub.serve("/xrpc/app.bsky.actor.getProfiles", Reply.json({"profiles": [profile]}))

    # When the watch is polled
    [mention] = connector(stub).fetch(WATCH, SOURCE, {}).mentions

    # Then the mention carries the author's reach, asked for with the session
    assert mention.author.reach == 1234
    request = stub.requests_to("/xrpc/app.bsky.actor.getProfiles")[0]
    assert request.query["actors"] == "test.marshal.dev"
    assert request.headers["authorization"] == "Bearer access-1"


def test_a_poll_without_profiles_still_returns_its_posts(stub: HttpStub) -> None:
    stub.serve(LOGIN, session(1))
    stub.serve(SEARCH, Reply.json(page_without_cursor()))
    stub.serve("/xrpc/app.bsky.actor.getProfiles", Reply(500, "down"))

    [mention] = connector(stub).fetch(WATCH, SOURCE, {}).mentions

    assert mention.author.reach is None
