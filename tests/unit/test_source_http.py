"""The connectors' shared HTTP client: retries, Retry-After, budgets and one-line errors; and
the registry that hands out connectors by kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.hackernews import HackerNewsConnector
from chalicelib.sources.registry import UnknownSourceError, connector_for, known_kinds
from chalicelib.sources.rss import FeedConnector
from tests.support.http_stub import HttpStub, Reply, closed_port

NOW = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)
OK = Reply.json({"hits": []})


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


class FakeTime:
    """A clock that only moves when the client sleeps, so budgets are tested without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def client(time: FakeTime, *, timeout_s: float = 5, **options: Any) -> HttpClient:
    return HttpClient(
        "hackernews",
        timeout_s=timeout_s,
        sleep=time.sleep,
        clock=time.clock,
        now=lambda: NOW,
        **options,
    )


def test_a_429_is_retried_after_the_seconds_the_server_asked_for(stub: HttpStub) -> None:
    # Given a server that answers 429 with Retry-After: 7, then 200
    stub.serve("/search", Reply(429, "slow down", {"Retry-After": "7"}), OK)
    time = FakeTime()

    # When the client GETs it
    body = client(time).get_json(stub.url("/search"))

    # Then it waited exactly what the server asked, asked twice, and got the answer
    assert time.sleeps == [7.0]
    assert len(stub.received) == 2
    assert body == {"hits": []}
    assert stub.received[0].headers["user-agent"] == "Tidings/0.1 (+https://github.com/tidings)"


def test_a_retry_after_date_is_turned_into_seconds(stub: HttpStub) -> None:
    # Given a 503 whose Retry-After is an HTTP date 12 seconds from now
    stub.serve("/search", Reply(503, "", {"Retry-After": "Fri, 02 Oct 2026 12:00:12 GMT"}), OK)
    time = FakeTime()

    # When the client GETs it
    client(time).get(stub.url("/search"))

    # Then it slept until that date
    assert time.sleeps == [12.0]


def test_a_5xx_is_retried_with_growing_backoff_then_reported_as_transient(
    stub: HttpStub,
) -> None:
    # Given a server that answers 503 every time
    stub.serve("/search", Reply(503, "down"))
    time = FakeTime()

    # When the client GETs it
    with pytest.raises(SourceError) as caught:
        client(time, max_attempts=4, backoff_s=1).get(stub.url("/search"))

    # Then it tried 4 times, backing off 1, 2 and 4 seconds, and says what the server said
    assert len(stub.received) == 4
    assert time.sleeps == [1.0, 2.0, 4.0]
    host = stub.base_url.removeprefix("http://")
    assert str(caught.value) == f"hackernews: {host} answered 503 Service Unavailable"
    assert caught.value.transient is True


def test_a_500_then_a_200_is_a_success(stub: HttpStub) -> None:
    # Given a server that fails once
    stub.serve("/search", Reply(500, "oops"), OK)
    time = FakeTime()

    # When the client GETs it
    response = client(time, backoff_s=0.5).get(stub.url("/search"))

    # Then the retry got the answer
    assert response.status == 200
    assert time.sleeps == [0.5]


def test_no_retry_sleeps_past_the_budget(stub: HttpStub) -> None:
    # Given a server that answers 500 every time, and a budget of 2.5 seconds
    stub.serve("/search", Reply(500, "oops"))
    time = FakeTime()

    # When the client GETs it
    with pytest.raises(SourceError) as caught:
        client(time, budget_s=2.5, backoff_s=1, max_attempts=10).get(stub.url("/search"))

    # Then it slept 1 second, then gave up rather than sleep 2 more
    assert time.sleeps == [1.0]
    assert caught.value.transient is True


def test_a_retry_after_beyond_the_budget_fails_at_once(stub: HttpStub) -> None:
    # Given a server that asks to come back in two minutes
    stub.serve("/search", Reply(429, "", {"Retry-After": "120"}))
    time = FakeTime()

    # When the client GETs it with a 20 second budget
    with pytest.raises(SourceError) as caught:
        client(time, budget_s=20).get(stub.url("/search"))

    # Then it does not wait, and the error says when to come back
    assert time.sleeps == []
    assert str(caught.value).endswith("answered 429 Too Many Requests; asked to retry after 120s")
    assert caught.value.transient is True


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_a_4xx_is_not_retried(stub: HttpStub, status: int) -> None:
    # Given a server that refuses the request
    stub.serve("/search", Reply(status, "no"))
    time = FakeTime()

    # When the client GETs it
    with pytest.raises(SourceError) as caught:
        client(time).get(stub.url("/search"))

    # Then it asked once, and the error is permanent
    assert len(stub.received) == 1
    assert time.sleeps == []
    assert caught.value.transient is False
    assert f"answered {status} " in str(caught.value)


def test_an_unreachable_host_is_one_clear_line() -> None:
    # Given a port nothing listens on
    port = closed_port()
    time = FakeTime()

    # When the client GETs it
    with pytest.raises(SourceError) as caught:
        client(time, max_attempts=2).get(f"http://127.0.0.1:{port}/api/v1/search_by_date")

    # Then the error is one line naming the host, after a retry
    assert str(caught.value) == f"hackernews: cannot reach 127.0.0.1:{port} (connection refused)"
    assert caught.value.transient is True
    assert time.sleeps == [1.0]


def test_a_server_that_does_not_answer_in_time_is_a_transient_error(stub: HttpStub) -> None:
    # Given a server that takes longer to answer than the client's timeout
    stub.serve("/search", Reply(200, "{}", delay_s=5))
    time = FakeTime()

    # When the client GETs it
    with pytest.raises(SourceError) as caught:
        client(time, timeout_s=0.2, max_attempts=1).get(stub.url("/search"))

    # Then the error says it timed out, and a later poll may do better
    host = stub.base_url.removeprefix("http://")
    assert str(caught.value) == f"hackernews: {host} did not answer within 0.2s"
    assert caught.value.transient is True


def test_a_body_that_is_not_json_is_a_clear_permanent_error(stub: HttpStub) -> None:
    # Given a server that answers 200 with an HTML error page
    stub.serve("/search", Reply(200, "<html>oops</html>", {"Content-Type": "text/html"}))

    # When the client asks for JSON
    with pytest.raises(SourceError) as caught:
        client(FakeTime()).get_json(stub.url("/search"))

    # Then the error says what is wrong
    assert str(caught.value) == "hackernews: response is not JSON"
    assert caught.value.transient is False


def test_the_registry_builds_each_connector_by_kind() -> None:
    settings = replace(get_settings(), http_timeout_s=3)

    pull = {"hackernews", "rss", "reddit", "mastodon", "bluesky", "stackexchange", "github"}
    assert pull <= set(known_kinds())
    assert isinstance(connector_for("hackernews", settings), HackerNewsConnector)
    assert isinstance(connector_for("rss", settings), FeedConnector)
    for kind in known_kinds():
        assert connector_for(kind, settings).kind == kind


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(UnknownSourceError) as caught:
        connector_for("myspace", get_settings())

    known = ", ".join(known_kinds())
    assert str(caught.value) == f"unknown source kind 'myspace' (known: {known})"
    assert isinstance(caught.value, KeyError)
