"""The Hacker News connector against a local server that answers like Algolia's HN Search API."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import Author, SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.hackernews import HackerNewsConnector
from tests.support.http_stub import HttpStub, Received, Reply, Responder, closed_port

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hackernews"
PAGE1 = json.loads((FIXTURES / "search_by_date_page1.json").read_text())
STORY = json.loads((FIXTURES / "search_story_hit.json").read_text())
SEARCH = "/api/v1/search_by_date"
HN = SourceRef("hackernews")
NEWEST = 1542316234  # created_at_i of the newest recorded comment
NOW = datetime.fromtimestamp(NEWEST + 3600, UTC)


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(stub: HttpStub, *, pages: int = 5, per_page: int = 100) -> HackerNewsConnector:
    settings = replace(
        get_settings(),
        hackernews_url=stub.url("/api/v1"),
        poll_max_pages=pages,
        http_timeout_s=5,
    )
    http = HttpClient("hackernews", timeout_s=5, sleep=lambda _: None)
    return HackerNewsConnector(settings, http=http, hits_per_page=per_page, now=lambda: NOW)


def watch(query: str) -> Watch:
    return Watch(id="acme", name="Acme", query=query, sources=(HN,))


def comment(object_id: int, created: int, text: str) -> dict[str, Any]:
    """A hit shaped like the recorded comment, with its own id, time and text."""
    hit: dict[str, Any] = copy.deepcopy(PAGE1["hits"][0])
    hit.update(objectID=str(object_id), created_at_i=created, comment_text=text)
    return hit


def algolia(hits: list[dict[str, Any]]) -> Responder:
    """Answers search_by_date like Algolia: filter by term and created_at_i, newest first, paged."""

    def respond(request: Received) -> Reply:
        q = request.query
        term = q["query"].strip('"').lower()
        lo, hi = -math.inf, math.inf
        for condition in q["numericFilters"].split(","):
            if condition.startswith("created_at_i>"):
                lo = int(condition.removeprefix("created_at_i>"))
            elif condition.startswith("created_at_i<="):
                hi = int(condition.removeprefix("created_at_i<="))
        found = sorted(
            (h for h in hits if lo < h["created_at_i"] <= hi and term in h["comment_text"].lower()),
            key=lambda h: h["created_at_i"],
            reverse=True,
        )
        per_page, page = int(q["hitsPerPage"]), int(q["page"])
        return Reply.json(
            {
                "hits": found[page * per_page : (page + 1) * per_page],
                "nbHits": len(found),
                "page": page,
                "nbPages": math.ceil(len(found) / per_page),
                "hitsPerPage": per_page,
            }
        )

    return respond


def test_a_recorded_comment_becomes_a_mention_with_its_author_and_time(stub: HttpStub) -> None:
    # Given Algolia answers with the recorded page of two comments
    stub.serve(SEARCH, Reply.json(PAGE1))

    # When a new watch for "moonshine" is polled for the first time
    result = connector(stub).fetch(watch("moonshine"), HN, {})

    # Then both comments come back, newest first, mapped field by field
    assert [m.native_id for m in result.mentions] == ["18463371", "18463370"]
    first = result.mentions[0]
    assert first.source == "hackernews"
    assert first.url == "https://news.ycombinator.com/item?id=18463371"
    assert first.title == ""
    assert first.text.startswith("Your example perfectly illustrates why I prefer the California")
    assert "left&#x2F;right" in first.text  # HTML kept; the pipeline strips it
    assert first.published_at == datetime(2018, 11, 15, 21, 10, 34, tzinfo=UTC)
    assert first.author == Author(
        name="komali2", handle="komali2", url="https://news.ycombinator.com/user?id=komali2"
    )
    assert first.engagement == {}
    assert first.language is None
    # And the first poll looked back one day only, for stories and comments
    (request,) = stub.requests_to(SEARCH)
    assert request.query["query"] == "moonshine"
    assert request.query["tags"] == "(story,comment)"
    assert request.query["numericFilters"] == f"created_at_i>{NEWEST + 3600 - 86400}"
    assert request.query["hitsPerPage"] == "100"
    assert request.headers["user-agent"] == "Tidings/0.1 (+https://github.com/tidings)"
    assert result.cursor["created_at_i"] == NEWEST


def test_a_recorded_story_keeps_its_title_points_and_comment_count(stub: HttpStub) -> None:
    # Given Algolia answers with the recorded story hit
    stub.serve(SEARCH, Reply.json(STORY))

    # When the watch is polled
    cursor = {"created_at_i": 1472957000}
    (story,) = connector(stub).fetch(watch("crockford"), HN, cursor).mentions

    # Then the story reads as a titled post with its engagement
    assert story.native_id == "12422420"
    assert story.title == "In defence of Douglas Crockford"
    assert story.text == ""
    assert story.url == "https://news.ycombinator.com/item?id=12422420"
    assert story.engagement == {"points": 611, "comments": 381}
    assert story.author.handle == "ramblerman"


def test_each_term_is_its_own_search_and_a_hit_found_twice_is_returned_once(
    stub: HttpStub,
) -> None:
    # Given one comment that says both terms, and one that says only the phrase
    start = NEWEST - 600
    stub.serve(
        SEARCH,
        algolia(
            [
                comment(1, start + 10, "Acme shipped a driverless car today"),
                comment(2, start + 20, "Another driverless car story"),
            ]
        ),
    )

    # When a watch for acme OR "driverless car" is polled
    result = connector(stub).fetch(watch('acme OR "driverless car"'), HN, {"created_at_i": start})

    # Then each comment is a mention once
    assert sorted(m.native_id for m in result.mentions) == ["1", "2"]
    # And the phrase was searched quoted, with Algolia's advanced syntax on
    queries = [(r.query["query"], r.query.get("advancedSyntax")) for r in stub.received]
    assert queries == [("acme", None), ('"driverless car"', "true")]


def test_a_second_poll_returns_only_what_is_new_and_the_cursor_moves_forward(
    stub: HttpStub,
) -> None:
    # Given two comments about acme, then a third one posted after the first poll
    start = NEWEST - 600
    hits = [comment(1, start + 10, "acme one"), comment(2, start + 20, "acme two")]
    stub.serve(SEARCH, algolia(hits))
    hn = connector(stub)
    first = hn.fetch(watch("acme"), HN, {"created_at_i": start})
    hits.append(comment(3, start + 30, "acme three"))

    # When the watch is polled again with the cursor of the first poll
    second = hn.fetch(watch("acme"), HN, first.cursor)

    # Then only the new comment comes back, and the cursor never moves back
    assert [m.native_id for m in first.mentions] == ["2", "1"]
    assert [m.native_id for m in second.mentions] == ["3"]
    assert start < first.cursor["created_at_i"] < second.cursor["created_at_i"]
    # And a third poll with nothing new returns nothing
    third = hn.fetch(watch("acme"), HN, second.cursor)
    assert third.mentions == ()
    assert third.cursor["created_at_i"] == second.cursor["created_at_i"]


def test_a_comment_indexed_late_is_still_found(stub: HttpStub) -> None:
    # Given a poll that saw a comment at start+20
    start = NEWEST - 600
    hits = [comment(2, start + 20, "acme two")]
    stub.serve(SEARCH, algolia(hits))
    hn = connector(stub)
    first = hn.fetch(watch("acme"), HN, {"created_at_i": start})

    # When Algolia indexes, after that poll, a comment written a few seconds earlier
    hits.append(comment(1, start + 15, "acme one, indexed late"))
    second = hn.fetch(watch("acme"), HN, first.cursor)

    # Then the next poll returns it, and not the one already returned
    assert [m.native_id for m in second.mentions] == ["1"]


def test_hitting_the_page_bound_remembers_the_gap_and_fills_it_next_poll(stub: HttpStub) -> None:
    # Given 7 comments about acme, and a connector that reads 2 pages of 2 hits per search
    start = NEWEST - 600
    stub.serve(SEARCH, algolia([comment(i, start + 10 * i, f"acme {i}") for i in range(1, 8)]))
    hn = connector(stub, pages=2, per_page=2)

    # When the watch is polled
    first = hn.fetch(watch("acme"), HN, {"created_at_i": start})

    # Then the newest 4 come back and the window it did not reach is kept in the cursor
    assert [m.native_id for m in first.mentions] == ["7", "6", "5", "4"]
    assert first.cursor["gaps"] == {"acme": [[start, start + 40]]}
    assert first.cursor["created_at_i"] == start + 70

    # When it is polled again
    stub.received.clear()
    second = hn.fetch(watch("acme"), HN, first.cursor)

    # Then the gap is fetched first and the rest come back, none of them twice
    assert stub.received[0].query["numericFilters"] == (
        f"created_at_i>{start},created_at_i<={start + 40}"
    )
    assert [m.native_id for m in second.mentions] == ["3", "2", "1"]
    assert second.cursor["gaps"] == {}
    assert second.cursor["created_at_i"] == start + 70


def test_a_hit_without_id_or_time_is_skipped_not_a_crash(stub: HttpStub) -> None:
    # Given a page where one hit has no objectID and one has no created_at_i
    broken = [dict(PAGE1["hits"][0], objectID=None), dict(PAGE1["hits"][0], created_at_i=None)]
    stub.serve(SEARCH, Reply.json({"hits": [*broken, PAGE1["hits"][1]], "nbHits": 3}))

    # When the watch is polled
    result = connector(stub).fetch(watch("moonshine"), HN, {})

    # Then only the good hit comes back
    assert [m.native_id for m in result.mentions] == ["18463370"]


def test_a_cursor_read_back_from_dynamodb_with_decimals_works(stub: HttpStub) -> None:
    # Given a cursor as DynamoDB returns it, numbers as Decimal
    stub.serve(SEARCH, algolia([comment(1, NEWEST, "acme")]))
    cursor = {"created_at_i": Decimal(NEWEST - 600), "seen": {"9": Decimal(NEWEST - 610)}}

    # When the watch is polled
    result = connector(stub).fetch(watch("acme"), HN, cursor)

    # Then the search starts from the cursor (less the overlap) and finds the comment
    assert stub.received[0].query["numericFilters"] == f"created_at_i>{NEWEST - 720}"
    assert [m.native_id for m in result.mentions] == ["1"]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, "<html>Service is down</html>", {"Content-Type": "text/html"}), "not JSON"),
        (Reply.json({"message": "invalid parameters"}), "response has no hits list"),
    ],
)
def test_a_garbage_answer_is_a_clear_permanent_error(
    stub: HttpStub, reply: Reply, message: str
) -> None:
    # Given Algolia answers with something that is not a search result
    stub.serve(SEARCH, reply)

    # When the watch is polled
    with pytest.raises(SourceError) as caught:
        connector(stub).fetch(watch("acme"), HN, {})

    # Then the error says so, and retrying would not help
    assert str(caught.value).startswith("hackernews: ")
    assert message in str(caught.value)
    assert caught.value.transient is False


def test_an_unreachable_algolia_is_one_line_naming_the_host() -> None:
    # Given an Algolia URL where nothing listens
    port = closed_port()
    settings = replace(get_settings(), hackernews_url=f"http://127.0.0.1:{port}/api/v1")
    http = HttpClient("hackernews", timeout_s=5, sleep=lambda _: None)
    hn = HackerNewsConnector(settings, http=http, now=lambda: NOW)

    # When the watch is polled
    with pytest.raises(SourceError) as caught:
        hn.fetch(watch("acme"), HN, {})

    # Then the error is one line a person can act on, and worth retrying later
    assert str(caught.value) == f"hackernews: cannot reach 127.0.0.1:{port} (connection refused)"
    assert caught.value.transient is True
