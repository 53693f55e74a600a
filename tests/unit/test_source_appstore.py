"""The App Store reviews connector against a local server that answers like Apple's RSS JSON."""

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
from chalicelib.sources.appstore import AppStoreConnector, parse
from chalicelib.sources.base import HttpClient
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "appstore"
RECORDED = FIXTURES / "customerreviews_json_2026_partially_modified_fixture.json"
APP = SourceRef("appstore", "1592550875@in")
WATCH = Watch(id="boat", name="boAt", query="app", sources=(APP,))
EMPTY = Reply.json({"feed": {"author": {"name": {"label": "iTunes Store"}}}})


def page(n: int, app: str = "1592550875", country: str = "in") -> str:
    return f"/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json"


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(stub: HttpStub, pages: int = 5) -> AppStoreConnector:
    settings = replace(get_settings(), appstore_url=stub.base_url, poll_max_pages=pages)
    return AppStoreConnector(
        settings, http=HttpClient("appstore", timeout_s=5, sleep=lambda _: None)
    )


def test_a_new_watch_reads_the_most_recent_reviews_of_the_app_in_that_country(
    stub: HttpStub,
) -> None:
    stub.serve(page(1), Reply.file(RECORDED, "application/json"))
    stub.serve(page(2), EMPTY)

    result = connector(stub).fetch(WATCH, APP, {})

    assert [m.title for m in result.mentions] == [
        "Airdopes app so good",
        "There's no optimisation to it",
    ]
    review = result.mentions[0]
    assert review.native_id == "14548543799"
    assert review.text == "This app can order and connect to devices like airdopes I feel so good"
    assert review.published_at == datetime(2026, 9, 14, 11, 24, 23, tzinfo=UTC)
    assert review.author.name == "Fatluga"
    assert review.author.url == "https://itunes.apple.com/in/reviews/id1605206013"
    assert review.url.startswith("https://itunes.apple.com/in/review?id=1592550875")
    assert review.engagement == {"rating": 5, "helpful_votes": 3, "votes": 4}
    assert len(stub.requests_to(page(2))) == 1
    assert result.cursor == {"updated": "2026-09-14T11:24:23+00:00", "seen": ["14548543799"]}


def test_the_next_poll_stops_at_the_first_review_it_already_has(stub: HttpStub) -> None:
    stub.serve(page(1), Reply.file(RECORDED, "application/json"))
    stub.serve(page(2), EMPTY)
    appstore = connector(stub)
    first = appstore.fetch(WATCH, APP, {})

    second = appstore.fetch(WATCH, APP, first.cursor)

    assert second.mentions == ()
    assert second.cursor == first.cursor
    assert len(stub.requests_to(page(1))) == 2
    assert len(stub.requests_to(page(2))) == 1  # only the first poll went further


def test_a_single_review_and_an_app_metadata_entry_are_read_right() -> None:
    recorded = json.loads(RECORDED.read_text())
    review = recorded["feed"]["entry"][1]
    single = {"feed": {"entry": review}}
    with_app = {"feed": {"entry": [{"im:name": {"label": "boAt"}, "id": {"label": "1"}}, review]}}

    assert [m.native_id for m in parse(json.dumps(single).encode())] == ["14545746087"]
    assert [m.native_id for m in parse(json.dumps(with_app).encode())] == ["14545746087"]


def test_the_country_defaults_to_the_us_store(stub: HttpStub) -> None:
    stub.serve(page(1, "284882215", "us"), EMPTY)
    source = SourceRef("appstore", "284882215")

    result = connector(stub).fetch(replace(WATCH, sources=(source,)), source, {})

    assert result.mentions == ()
    assert len(stub.requests_to(page(1, "284882215", "us"))) == 1


def test_a_target_that_is_not_an_app_id_and_country_is_a_permanent_error(stub: HttpStub) -> None:
    source = SourceRef("appstore", "https://apps.apple.com/app/boat")

    with pytest.raises(SourceError) as caught:
        connector(stub).fetch(replace(WATCH, sources=(source,)), source, {})

    assert caught.value.transient is False
    assert "is not <app id>@<country>" in str(caught.value)
    assert stub.received == []
