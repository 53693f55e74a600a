"""`POST /query/test`: trying a query before saving it, on given texts or on a watch's last
stored mentions, against DynamoDB Local and moto's server."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.test import Client

from chalicelib.local.stack import LocalStack
from tests.integration.test_api_watches import create, post_mention, send

pytestmark = pytest.mark.integration


def try_query(api: Client, body: Any) -> tuple[int, Any]:
    status, payload, _ = send(api, "POST", "/query/test", body)
    return status, payload


def test_a_query_is_tried_on_given_texts_showing_what_matched_and_why(api: Client) -> None:
    # Given a query for Acme's outages, not its job ads, and three texts
    body = {
        "query": 'acme NEAR/3 (outage OR down) -jobs, "Acme Cloud" lang:de',
        "texts": [
            {"text": "Acme is down again", "source": "reddit"},
            {"text": "Acme jobs: outage engineer wanted"},
            {"text": "Acme Cloud ist toll", "lang": "de", "author": "@dana"},
        ],
    }

    # When it is tried
    status, result = try_query(api, body)

    # Then each text says whether it matched, with the terms, where they are, and why
    assert status == 200, result
    assert result["query"] == 'acme NEAR/3 (outage OR down) -jobs OR "Acme Cloud" lang:de'
    assert result["matched"] == 2
    first, second, third = result["items"]
    assert first == {
        "text": "Acme is down again",
        "match": True,
        "terms": ["acme", "down"],
        "spans": [
            {"field": "text", "start": 0, "end": 4, "term": "acme", "text": "Acme"},
            {"field": "text", "start": 8, "end": 12, "term": "down", "text": "down"},
        ],
        "why": "matched acme, down",
    }
    assert second["match"] is False
    assert second["why"].startswith("found acme, outage")
    assert third["match"] is True
    assert third["terms"] == ["acme", "Acme Cloud"]


def test_a_query_is_tried_on_a_watchs_last_stored_mentions(api: Client, stack: LocalStack) -> None:
    # Given a watch with three stored mentions, one of them about pricing
    create(api, id="acme", query="Acme")
    post_mention(api, "m1", "2026-11-21T08:00:00Z", "Acme pricing went up")
    post_mention(api, "m2", "2026-11-21T09:00:00Z", "Acme support was quick")
    post_mention(api, "m3", "2026-11-21T10:00:00Z", "Acme launches a new app")
    stack.drain()

    # When a narrower query is tried on the last two
    status, result = try_query(
        api, {"query": "Acme (support OR app*)", "watch_id": "acme", "last": 2}
    )

    # Then the newest two are shown, newest first, both matching
    assert status == 200, result
    assert [i["text"] for i in result["items"]] == [
        "Acme launches a new app",
        "Acme support was quick",
    ]
    assert [i["match"] for i in result["items"]] == [True, True]
    assert all(i["mention_id"] for i in result["items"])

    # And on all of them, the pricing post does not match
    status, result = try_query(api, {"query": "Acme (support OR app*)", "watch_id": "acme"})
    assert [i["match"] for i in result["items"]] == [True, True, False]
    assert result["items"][2]["why"] == "found Acme; (support OR app*) does not hold"


def test_an_invalid_query_is_refused_with_400_naming_position_and_expectation(
    api: Client,
) -> None:
    status, result = try_query(api, {"query": "(Acme OR Globex", "texts": [{"text": "Acme"}]})

    assert status == 400
    assert result["Message"] == 'query: position 15: expected ")" to close the ( at position 0'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"texts": [{"text": "a"}]}, "query is required"),
        ({"query": "Acme"}, 'give either "texts"'),
        ({"query": "Acme", "texts": [], "watch_id": "acme"}, 'give either "texts"'),
        ({"query": "Acme", "texts": []}, "texts must be a list of 1 to 200"),
        ({"query": "Acme", "texts": [{"text": 5}]}, "texts[0]: each item must be an object"),
        ({"query": "Acme", "watch_id": "acme", "last": 201}, "last must be a whole number"),
        ({"query": "Acme", "texts": [{"text": "a"}], "limit": 3}, "unknown fields: limit"),
    ],
)
def test_a_malformed_request_is_refused_with_400_saying_what_is_wrong(
    api: Client, body: dict[str, Any], message: str
) -> None:
    status, result = try_query(api, body)

    assert status == 400
    assert result["Message"].startswith(message)


def test_trying_a_query_on_an_unknown_watch_is_404(api: Client) -> None:
    status, result = try_query(api, {"query": "Acme", "watch_id": "nope"})

    assert status == 404
    assert result["Message"] == "no watch 'nope'"
