"""GitHub against a local API: issue and pull request search scoped and dated by the cursor,
discussions through GraphQL with a token, and the primary and secondary rate limits."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import FetchResult, SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.github import GitHubConnector, parse
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "github"
ISSUES = json.loads((FIXTURES / "search_issues_response_body.json").read_text())
CURSOR = {"issues": {"since": "2022-01-01T00:00:00+00:00", "seen": []}}
# GraphQL's answer shape for `search(type: DISCUSSION)`; no recorded capture exists.
DISCUSSIONS = {
    "data": {
        "search": {
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "nodes": [
                {
                    "id": "D_kwDOA",
                    "url": "https://github.com/acme/rover/discussions/7",
                    "title": "Acme Rover docking",
                    "bodyText": "Does Acme Rover dock on carpet?",
                    "createdAt": "2026-11-20T08:00:00Z",
                    "upvoteCount": 3,
                    "author": {"login": "dana", "url": "https://github.com/dana"},
                    "comments": {"totalCount": 2},
                    "reactions": {"totalCount": 1},
                }
            ],
        }
    }
}


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(stub: HttpStub, token: str | None = None) -> GitHubConnector:
    settings = replace(
        get_settings(),
        github_url=stub.base_url,
        github_graphql_url=stub.url("/graphql"),
        parameter_prefix="/t",
    )
    secrets = {"/t/sources/github/token": token} if token else {}
    http = HttpClient("github", timeout_s=5, sleep=lambda _: None, max_attempts=1)
    return GitHubConnector(settings, http=http, secrets=secrets.get)


def poll(github: GitHubConnector, target: str = "", cursor: dict[str, Any] = CURSOR) -> FetchResult:
    source = SourceRef("github", target)
    watch = Watch(id="acme", name="Acme", query='Acme OR "Acme Rover"', sources=(source,))
    return github.fetch(watch, source, cursor)


def test_issues_are_searched_in_the_scope_since_the_cursor(stub: HttpStub) -> None:
    stub.serve("/search/issues", Reply.json(ISSUES))

    result = poll(connector(stub), target="acme/rover")

    request = stub.requests_to("/search/issues")[0]
    assert request.query["q"] == (
        '(Acme OR "Acme Rover") repo:acme/rover in:title,body created:>=2022-01-01T00:00:00Z'
    )
    assert "authorization" not in request.headers
    assert len(result.mentions) == 2
    assert result.mentions[0].title == "Sesame seeds split without a pop!"
    assert result.mentions[0].author.url == "https://github.com/octokit-fixture-user-b"
    assert result.cursor["issues"]["since"] == "2022-07-19T04:40:52+00:00"


def test_with_a_token_discussions_are_searched_too(stub: HttpStub) -> None:
    stub.serve("/search/issues", Reply.json({"items": [], "total_count": 0}))
    stub.serve("/graphql", Reply.json(DISCUSSIONS))

    result = poll(connector(stub, token="ghp_x"))

    graphql = stub.requests_to("/graphql")[0]
    assert graphql.method == "POST"
    assert graphql.headers["authorization"] == "Bearer ghp_x"
    assert json.loads(graphql.body)["variables"]["q"].startswith('(Acme OR "Acme Rover")')
    [discussion] = result.mentions
    assert discussion.url == "https://github.com/acme/rover/discussions/7"
    assert discussion.engagement == {"comments": 2, "reactions": 1, "upvotes": 3}
    assert result.cursor["discussions"]["since"] == "2026-11-20T08:00:00+00:00"


def test_a_secondary_rate_limit_is_transient_and_says_when_to_retry(stub: HttpStub) -> None:
    stub.serve(
        "/search/issues", Reply(403, '{"message": "secondary rate limit"}', {"Retry-After": "60"})
    )

    with pytest.raises(SourceError, match="asked to retry after 60s") as raised:
        poll(connector(stub, token="ghp_x"))

    assert raised.value.transient


def test_an_exhausted_primary_limit_holds_back_until_the_reset(stub: HttpStub) -> None:
    reset = str(int(time.time()) + 600)
    stub.serve(
        "/search/issues",
        Reply(200, json.dumps(ISSUES), {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
    )
    github = connector(stub)
    poll(github)

    with pytest.raises(SourceError, match="rate limit used up") as raised:
        poll(github)

    assert raised.value.transient
    assert len(stub.requests_to("/search/issues")) == 1


def test_a_rejected_token_is_a_credentials_error(stub: HttpStub) -> None:
    stub.serve("/search/issues", Reply.json({"message": "Bad credentials"}, 401))

    with pytest.raises(SourceError, match="credentials rejected") as raised:
        poll(connector(stub, token="expired"))

    assert not raised.value.transient
    assert raised.value.reason == "credentials"


def test_graphql_errors_are_reported() -> None:
    with pytest.raises(SourceError, match="discussions search failed: Something went wrong"):
        parse(b'{"errors": [{"message": "Something went wrong"}]}')
