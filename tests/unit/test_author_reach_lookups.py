"""Reddit karma and GitHub followers as author reach: looked up per author, at most 25 a poll,
cached for an hour in the process, and a failed lookup never fails the poll."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from chalicelib.domain.models import Author, Mention, SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.github import GitHubConnector
from chalicelib.sources.reach_lookup import MAX_LOOKUPS, TTL_S, ReachCache
from chalicelib.sources.reddit import RedditConnector
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
WATCH = Watch(id="acme", name="Acme", query="Acme")


def http(kind: str) -> HttpClient:
    return HttpClient(kind, timeout_s=5, budget_s=30, max_attempts=1, sleep=lambda _: None)


def reddit_listing(author: str) -> Reply:
    post = {
        "kind": "t3",
        "data": {
            "name": "t3_abc",
            "id": "abc",
            "title": "Acme is great",
            "selftext": "I like Acme",
            "author": author,
            "permalink": "/r/acme/comments/abc/acme_is_great/",
            "created_utc": NOW.timestamp(),
            "score": 3,
            "num_comments": 1,
        },
    }
    return Reply.json({"kind": "Listing", "data": {"children": [post], "after": None}})


def reddit_connector(stub: HttpStub, cache: ReachCache) -> RedditConnector:
    settings = replace(
        get_settings(),
        reddit_url=stub.url("/oauth"),
        reddit_auth_url=stub.url("/api/v1/access_token"),
    )
    secrets = {"sources/reddit/client-id": "id", "sources/reddit/client-secret": "secret"}
    prefix = settings.parameter_prefix + "/"
    return RedditConnector(
        settings,
        http=http("reddit"),
        secrets=lambda name: secrets.get(name.removeprefix(prefix)),
        reach=cache,
    )


def test_a_reddit_authors_reach_is_their_karma_looked_up_once_an_hour() -> None:
    about = json.loads((FIXTURES / "reddit" / "user_about_2022.json").read_text())["data"]
    clock = [0.0]
    cache = ReachCache(clock=lambda: clock[0])
    with HttpStub() as reddit:
        token = {"access_token": "tok", "token_type": "bearer", "expires_in": 86400}
        reddit.serve("/api/v1/access_token", Reply.json(token))
        reddit.serve("/oauth/r/all/search", reddit_listing("Watchful1"))
        reddit.serve(
            "/oauth/user/Watchful1/about",
            Reply.file(FIXTURES / "reddit" / "user_about_2022.json", "application/json"),
        )
        connector = reddit_connector(reddit, cache)

        # When two polls find the same author within the hour, and a third after it
        first = connector.fetch(WATCH, SourceRef("reddit"), {})
        connector.fetch(WATCH, SourceRef("reddit"), {})
        after_first_hour = len(reddit.requests_to("/oauth/user/Watchful1/about"))
        clock[0] = TTL_S + 1
        connector.fetch(WATCH, SourceRef("reddit"), {})

        # Then the reach is link plus comment karma, asked once per hour
        (mention,) = first.mentions
        assert mention.author.reach == about["link_karma"] + about["comment_karma"]
        assert after_first_hour == 1
        assert len(reddit.requests_to("/oauth/user/Watchful1/about")) == 2


def test_a_failed_reddit_lookup_leaves_the_mention_without_reach_and_the_poll_succeeds() -> None:
    with HttpStub() as reddit:
        token = {"access_token": "tok", "token_type": "bearer", "expires_in": 86400}
        reddit.serve("/api/v1/access_token", Reply.json(token))
        reddit.serve("/oauth/r/all/search", reddit_listing("someone"))
        reddit.serve(
            "/oauth/user/someone/about",
            Reply(429, b"{}", {"Retry-After": "600", "Content-Type": "application/json"}),
        )

        result = reddit_connector(reddit, ReachCache()).fetch(WATCH, SourceRef("reddit"), {})

    (mention,) = result.mentions
    assert mention.author.handle == "u/someone"
    assert mention.author.reach is None
    assert result.cursor["since"] is not None


def test_a_github_authors_reach_is_their_followers_when_a_token_is_set() -> None:
    with HttpStub() as github:
        github.serve(
            "/search/issues",
            Reply.file(
                FIXTURES / "github" / "search_issues_response_body.json", "application/json"
            ),
        )
        github.serve("/graphql", Reply.json({"data": {"search": {"nodes": []}}}))
        github.serve("/users/octokit-fixture-user-a", Reply.json({"followers": 1234}))
        github.serve("/users/octokit-fixture-user-b", Reply(404, b'{"message": "Not Found"}'))
        settings = replace(
            get_settings(), github_url=github.base_url, github_graphql_url=github.url("/graphql")
        )
        prefix = settings.parameter_prefix + "/"
        connector = GitHubConnector(
            settings,
            http=http("github"),
            secrets=lambda name: "ghp-token" if name == prefix + "sources/github/token" else None,
            reach=ReachCache(),
        )

        result = connector.fetch(WATCH, SourceRef("github"), {})
        asked = github.requests_to("/users/octokit-fixture-user-a")

    reach = {m.author.handle: m.author.reach for m in result.mentions}
    assert reach == {"octokit-fixture-user-a": 1234, "octokit-fixture-user-b": None}
    assert asked[0].headers["authorization"] == "Bearer ghp-token"


def test_at_most_25_new_authors_are_looked_up_a_poll_and_the_rest_next_time() -> None:
    asked: list[str] = []

    def look_up(handle: str) -> int | None:
        asked.append(handle)
        return 10

    mentions = [
        Mention(
            "reddit",
            f"t3_{n}",
            f"https://r.example/{n}",
            "Acme",
            NOW,
            author=Author(handle=f"u/a{n}"),
        )
        for n in range(30)
    ]
    cache = ReachCache(clock=lambda: 0.0)

    first = cache.with_reach("reddit", mentions, look_up)
    second = cache.with_reach("reddit", mentions, look_up)

    assert len(asked) == 30
    assert sum(m.author.reach is not None for m in first) == MAX_LOOKUPS
    assert all(m.author.reach == 10 for m in second)


def test_a_rate_limited_lookup_stops_the_lookups_of_that_poll() -> None:
    calls: list[str] = []

    def look_up(handle: str) -> int | None:
        calls.append(handle)
        raise SourceError("github", "rate limited", transient=True)

    mentions = [
        Mention(
            "github", str(n), f"https://g.example/{n}", "Acme", NOW, author=Author(handle=f"u{n}")
        )
        for n in range(3)
    ]

    result = ReachCache().with_reach("github", mentions, look_up)

    assert calls == ["u0"]
    assert [m.author.reach for m in result] == [None, None, None]
