"""Stack Exchange against a local API: the search per site and term, the app key, and the
`backoff`, quota and throttle answers it asks clients to obey."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import FetchResult, SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.stackexchange import StackExchangeConnector
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "stackexchange"
PAGE = json.loads((FIXTURES / "questions_default_filter_sample_2_2.json").read_text())
SEARCH = "/2.3/search/advanced"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
CURSOR = {"since": "2014-01-01T00:00:00+00:00", "seen": []}


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def poll(
    stub: HttpStub, cursor: dict[str, Any], query: str = "Acme", key: str | None = None
) -> FetchResult:
    settings = replace(
        get_settings(), stackexchange_url=stub.url("/2.3"), parameter_prefix="/t", poll_max_pages=2
    )
    secrets = {"/t/sources/stackexchange/key": key} if key else {}
    http = HttpClient("stackexchange", timeout_s=5, sleep=lambda _: None, max_attempts=1)
    connector = StackExchangeConnector(settings, http=http, secrets=secrets.get, now=lambda: NOW)
    source = SourceRef("stackexchange", "superuser")
    watch = Watch(id="acme", name="Acme", query=query, sources=(source,))
    return connector.fetch(watch, source, cursor)


def page(**fields: Any) -> Reply:
    return Reply.json({**PAGE, "has_more": False, **fields})


def test_questions_are_searched_per_site_from_the_cursor_with_the_key(stub: HttpStub) -> None:
    stub.serve(SEARCH, page())

    result = poll(stub, CURSOR, key="app-key")

    request = stub.requests_to(SEARCH)[0]
    assert request.query == {
        "site": "superuser",
        "q": "Acme",
        "sort": "creation",
        "order": "desc",
        "pagesize": "100",
        "filter": "withbody",
        "fromdate": "1388534400",
        "key": "app-key",
        "page": "1",
    }
    first = result.mentions[0]
    assert first.title == "Websocket with Tyrus in Openshift"
    assert first.author.reach == 1
    assert first.engagement == {"score": 0, "answers": 0, "views": 8}
    assert result.cursor["since"] == "2015-01-03T04:17:12+00:00"


def test_a_backoff_mid_poll_keeps_what_was_found_but_not_the_cursor(stub: HttpStub) -> None:
    # Given the first of two terms is answered with a 10 second backoff
    stub.serve(SEARCH, page(backoff=10))

    # When a watch with two terms is polled
    result = poll(stub, CURSOR, query="Acme OR Globex")

    # Then the second search waits for the next poll, the cursor stays, and says when to resume
    assert len(stub.requests_to(SEARCH)) == 1
    assert len(result.mentions) == 5
    assert result.cursor["since"] == CURSOR["since"]
    assert result.cursor["paused_until"] == NOW.timestamp() + 10

    # And a poll before then sends nothing
    again = poll(stub, dict(result.cursor))
    assert again.mentions == ()
    assert len(stub.requests_to(SEARCH)) == 1


def test_a_used_up_quota_waits_for_the_next_day(stub: HttpStub) -> None:
    stub.serve(SEARCH, page(has_more=True, quota_remaining=0))

    result = poll(stub, CURSOR)

    assert result.cursor["since"] == CURSOR["since"]
    assert result.cursor["paused_until"] == datetime(2026, 11, 22, tzinfo=UTC).timestamp()


def test_a_throttle_violation_is_retried_later(stub: HttpStub) -> None:
    error = {
        "error_id": 502,
        "error_name": "throttle_violation",
        "error_message": "too many requests from this IP, more requests available in 42 seconds",
    }
    stub.serve(SEARCH, Reply.json(error, 400))

    with pytest.raises(SourceError) as raised:
        poll(stub, CURSOR)

    assert raised.value.transient
    assert getattr(raised.value, "retry_after", None) == 42


def test_a_refused_key_is_a_credentials_error(stub: HttpStub) -> None:
    error = {"error_id": 400, "error_name": "bad_parameter", "error_message": "key is invalid"}
    stub.serve(SEARCH, Reply.json(error, 400))

    with pytest.raises(SourceError, match="credentials rejected") as raised:
        poll(stub, CURSOR, key="wrong")

    assert raised.value.reason == "credentials"
