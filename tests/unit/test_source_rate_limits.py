"""The HTTP client honours platforms' rate-limit headers: a window reported used up holds the
next request back until its reset, and a 403 that is really a rate limit is retried, not
mistaken for refused credentials."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from chalicelib.errors import SourceError
from chalicelib.sources.base import HttpClient, TransientSourceError, reset_seconds
from tests.support.http_stub import HttpStub, Reply

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LIMIT = ("X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def client(sleeps: list[float] | None = None) -> HttpClient:
    return HttpClient(
        "github",
        timeout_s=5,
        max_attempts=2,
        sleep=(sleeps if sleeps is not None else []).append,
        now=lambda: NOW,
        rate_limit=LIMIT,
    )


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("586", 586.0),  # Reddit: seconds until the window resets
        (str(int(NOW.timestamp()) + 90), 90.0),  # GitHub: the reset as an epoch time
        ("2026-11-21T12:05:00Z", 300.0),  # Mastodon: the reset as an ISO time
        ("2026-11-21T11:00:00Z", 0.0),  # already past
        ("soon", None),
        ("", None),
    ],
)
def test_a_reset_header_in_any_platform_form_is_seconds_to_wait(
    value: str, seconds: float | None
) -> None:
    assert reset_seconds(value, NOW) == seconds


def test_a_used_up_window_holds_the_next_request_back(stub: HttpStub) -> None:
    # Given an answer saying no request is left until the reset in 90 seconds
    reset = str(int(NOW.timestamp()) + 90)
    stub.serve("/search", Reply.json({"ok": 1}, **{LIMIT[0]: "0", LIMIT[1]: reset}))
    http = client()
    assert http.get_json(stub.url("/search")) == {"ok": 1}

    # When the connector asks again
    with pytest.raises(TransientSourceError) as raised:
        http.get_json(stub.url("/search"))

    # Then nothing is sent, and the error says when to come back
    assert len(stub.requests_to("/search")) == 1
    assert raised.value.transient
    assert 0 < (raised.value.retry_after or 0) <= 90


def test_a_403_with_no_requests_left_is_a_rate_limit_not_a_refusal(stub: HttpStub) -> None:
    # Given GitHub's primary limit answered as a 403 with the reset 5 seconds away
    reset = str(int(NOW.timestamp()) + 5)
    stub.serve(
        "/search",
        Reply(403, '{"message": "API rate limit exceeded"}', {LIMIT[0]: "0", LIMIT[1]: reset}),
        Reply.json({"ok": 2}),
    )
    sleeps: list[float] = []

    # When an authenticated request meets it
    body = client(sleeps).get_json(stub.url("/search"), authenticated=True)

    # Then the client waited for the reset and retried
    assert sleeps == [5.0]
    assert body == {"ok": 2}


def test_a_reset_beyond_the_time_budget_is_left_for_the_next_poll(stub: HttpStub) -> None:
    reset = str(int(NOW.timestamp()) + 600)
    stub.serve("/search", Reply(403, "{}", {LIMIT[0]: "0", LIMIT[1]: reset}))
    sleeps: list[float] = []

    with pytest.raises(TransientSourceError, match="asked to retry after 600s") as raised:
        client(sleeps).get(stub.url("/search"), authenticated=True)

    assert sleeps == []
    assert raised.value.retry_after == 600


def test_a_plain_401_on_an_authenticated_request_is_refused_credentials(stub: HttpStub) -> None:
    stub.serve("/search", Reply(401, '{"message": "Bad credentials"}'))

    with pytest.raises(SourceError) as raised:
        client().get(stub.url("/search"), authenticated=True)

    assert not raised.value.transient
    assert raised.value.reason == "credentials"
    assert str(raised.value).startswith("github: credentials rejected (")


def test_a_post_sends_json_and_reads_the_answer(stub: HttpStub) -> None:
    stub.serve("/login", Reply.json({"token": "t"}))

    status, body = client().post_json(stub.url("/login"), json_body={"user": "u"})

    assert (status, body) == (200, {"token": "t"})
    [request] = stub.requests_to("/login")
    assert request.method == "POST"
    assert json.loads(request.body) == {"user": "u"}


def test_a_status_the_caller_reads_itself_is_returned(stub: HttpStub) -> None:
    stub.serve("/xrpc", Reply.json({"error": "ExpiredToken"}, 400))

    response = client().get(stub.url("/xrpc"), ok_statuses=(400,))

    assert response.status == 400
    assert json.loads(response.body) == {"error": "ExpiredToken"}
