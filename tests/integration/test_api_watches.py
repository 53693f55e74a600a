"""The REST API as a client sees it: watches, their mentions feed, and health, against
DynamoDB Local and moto's server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.domain.alerts.settings import AlertSettings
from chalicelib.local.stack import LocalStack
from tests.integration.test_end_to_end import signed

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}
FEED = "https://blog.example/feed.xml"
ACME = {
    "id": "acme",
    "name": "Acme brand",
    "query": 'Acme OR "Acme Cloud"',
    "sources": ["hackernews", {"kind": "rss", "target": FEED}],
    "retention_days": 90,
    "enabled": True,
}
# Alert settings a watch gets when it names none.
DEFAULT_ALERTS = AlertSettings().to_dict()
# As the API gives it back: every source in its {"kind", "target"} form, default alerts.
ACME_STORED = {
    **ACME,
    "sources": [{"kind": "hackernews"}, {"kind": "rss", "target": FEED}],
    "alerts": DEFAULT_ALERTS,
}


def send(api: Client, method: str, path: str, body: Any = None) -> tuple[int, Any, Any]:
    """Status, parsed JSON body (or None) and headers, as a client would read them."""
    if body is None:
        raw = b""
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = json.dumps(body).encode()
    response = api.http.request(method, path, headers=JSON, body=raw)
    payload = json.loads(response.body) if response.body else None
    return response.status_code, payload, response.headers


def create(api: Client, **fields: Any) -> dict[str, Any]:
    status, body, _ = send(api, "POST", "/watches", fields)
    assert status == 201, body
    return dict(body)


def post_mention(api: Client, native_id: str, published_at: str, text: str) -> None:
    raw = json.dumps({"id": native_id, "text": text, "published_at": published_at}).encode()
    response = api.http.post("/webhooks/generic/zap", headers=signed(raw), body=raw)
    assert response.status_code == 202, response.body


def store_mentions(api: Client, stack: LocalStack, count: int) -> list[str]:
    """`count` mentions of Acme, an hour apart, through the webhook and the ingest worker.
    Returns their native ids, newest first."""
    for n in range(count):
        post_mention(api, f"m{n}", f"2026-11-21T{n:02d}:30:00Z", f"Acme post number {n}")
    stack.drain()
    return [f"m{n}" for n in reversed(range(count))]


def page_through(api: Client, watch_id: str, limit: int) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    path = f"/watches/{watch_id}/mentions?limit={limit}"
    while True:
        status, body, _ = send(api, "GET", path)
        assert status == 200, body
        pages.append(body["items"])
        if body["next"] is None:
            return pages
        assert len(pages) < 20, "the feed never ends"
        path = f"/watches/{watch_id}/mentions?limit={limit}&cursor={body['next']}"


# Watches: create, read, update, delete


def test_creating_a_watch_answers_201_with_its_location_and_the_watch(api: Client) -> None:
    # Given no watches
    # When a client creates one
    status, body, headers = send(api, "POST", "/watches", ACME)

    # Then it is created, and the answer says where it lives and what was stored
    assert status == 201
    assert headers["Location"] == "/watches/acme"
    assert body == ACME_STORED


def test_a_created_watch_can_be_read_back_and_is_listed(api: Client) -> None:
    # Given two watches
    create(api, **ACME)
    create(api, id="globex", query="Globex")

    # When the client reads one, then lists them
    status, one, _ = send(api, "GET", "/watches/acme")
    listed_status, listed, _ = send(api, "GET", "/watches")

    # Then it gets the watch as created, and both in the list with their defaults filled in
    assert (status, one) == (200, ACME_STORED)
    assert listed_status == 200
    assert listed["items"] == [
        ACME_STORED,
        {
            "id": "globex",
            "name": "globex",
            "query": "Globex",
            "sources": [],
            "retention_days": 365,
            "enabled": True,
            "alerts": DEFAULT_ALERTS,
        },
    ]


def test_updating_a_watch_replaces_it(api: Client) -> None:
    # Given a watch
    create(api, **ACME)
    changed = {**ACME, "query": "Globex", "sources": ["hackernews"], "enabled": False}
    expected = {**changed, "sources": [{"kind": "hackernews"}], "alerts": DEFAULT_ALERTS}

    # When the client PUTs a new version (the id may be left out of the body)
    status, body, _ = send(
        api, "PUT", "/watches/acme", {k: v for k, v in changed.items() if k != "id"}
    )

    # Then the answer and later reads show the new version
    assert (status, body) == (200, expected)
    assert send(api, "GET", "/watches/acme")[1] == expected


def test_deleting_a_watch_answers_204_and_then_it_is_gone(api: Client) -> None:
    # Given a watch
    create(api, **ACME)

    # When the client deletes it
    status, body, _ = send(api, "DELETE", "/watches/acme")

    # Then it answers 204 with no body, and the watch is no longer there
    assert (status, body) == (204, None)
    assert send(api, "GET", "/watches/acme")[0] == 404
    assert send(api, "GET", "/watches")[1] == {"items": []}
    assert send(api, "DELETE", "/watches/acme")[0] == 404


def test_creating_the_same_watch_twice_is_refused_with_409_and_keeps_the_first(
    api: Client,
) -> None:
    # Given a watch
    create(api, **ACME)

    # When a client creates another with the same id
    status, body, _ = send(api, "POST", "/watches", {"id": "acme", "query": "Globex"})

    # Then it is refused with a message, and the first watch is unchanged
    assert status == 409
    assert body["Message"] == "a watch with id 'acme' already exists"
    assert send(api, "GET", "/watches/acme")[1] == ACME_STORED


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize("raw", ['{"id": "acme", "query": ', "not json", ""])
def test_a_body_that_is_not_json_is_refused_with_400_saying_so(
    api: Client, method: str, raw: str
) -> None:
    # Given a watch to update
    create(api, id="acme", query="Acme")
    path = "/watches" if method == "POST" else "/watches/acme"

    # When a client sends a body that is not JSON
    status, body, _ = send(api, method, path, raw)

    # Then it is refused with a message that says what is wrong
    assert status == 400
    assert body["Code"] == "BadRequestError"
    expected = "the body must be a JSON object" if raw == "" else "the body is not valid JSON"
    assert body["Message"].startswith(expected)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "Acme Corp", "query": "Acme"}, "id must be"),
        ({"query": "Acme"}, "id must be"),
        ({"id": "acme"}, "query is required"),
        (
            {"id": "acme", "query": 'Acme "Cloud'},
            'query: position 5: expected a closing quote (") for the phrase that starts here',
        ),
        ({"id": "acme", "query": "Acme", "colour": "red"}, "unknown fields: colour"),
        (
            {"id": "acme", "query": "Acme", "sources": ["twitter"]},
            "sources[0]: unknown source 'twitter'; known: appstore, bluesky, github, hackernews,",
        ),
        ({"id": "acme", "query": "Acme", "sources": ["rss"]}, "sources[0]: rss needs a target"),
        ({"id": "acme", "query": "Acme", "retention_days": 0}, "retention_days must be"),
        ({"id": "acme", "query": "Acme", "enabled": "yes"}, "enabled must be true or false"),
        ({"id": "acme", "query": "Acme", "name": ""}, "name must be"),
    ],
    ids=[
        "bad-id",
        "no-id",
        "no-query",
        "unclosed-quote",
        "unknown-field",
        "unknown-source",
        "rss-without-target",
        "retention",
        "enabled",
        "name",
    ],
)
def test_an_invalid_watch_is_refused_with_400_naming_the_field(
    api: Client, fields: dict[str, Any], message: str
) -> None:
    # When a client creates a watch with one thing wrong
    status, body, _ = send(api, "POST", "/watches", fields)

    # Then it is refused, the message names the field, and nothing was stored
    assert status == 400
    assert body["Code"] == "BadRequestError"
    assert body["Message"].startswith(message)
    assert send(api, "GET", "/watches")[1] == {"items": []}


def test_a_body_that_is_a_json_list_is_refused(api: Client) -> None:
    status, body, _ = send(api, "POST", "/watches", [ACME])

    assert (status, body["Message"]) == (400, "the body must be a JSON object")


def test_an_invalid_update_is_refused_and_the_watch_is_unchanged(api: Client) -> None:
    # Given a watch
    create(api, **ACME)

    # When a client PUTs a body whose id differs from the path, then one with a bad retention
    mismatch = send(api, "PUT", "/watches/acme", {**ACME, "id": "globex"})
    retention = send(api, "PUT", "/watches/acme", {**ACME, "retention_days": 5000})

    # Then both are refused with the field named, and the watch is as it was
    assert mismatch[:2] == (
        400,
        {"Code": "BadRequestError", "Message": "id in the body does not match the id in the path"},
    )
    assert retention[0] == 400
    assert retention[1]["Message"].startswith("retention_days must be")
    assert send(api, "GET", "/watches/acme")[1] == ACME_STORED


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/watches/nope"),
        ("PUT", "/watches/nope"),
        ("DELETE", "/watches/nope"),
        ("GET", "/watches/nope/mentions"),
    ],
)
def test_an_unknown_watch_is_404(api: Client, method: str, path: str) -> None:
    # Given a different watch exists
    create(api, **ACME)

    # When a client addresses a watch that does not exist
    status, body, _ = send(api, method, path, {"query": "Acme"} if method == "PUT" else None)

    # Then it is told so
    assert status == 404
    assert body["Code"] == "NotFoundError"
    assert "nope" in body["Message"]
    assert send(api, "GET", "/watches/nope")[0] == 404  # a PUT did not create it


# The mentions feed


def test_the_feed_pages_through_every_mention_newest_first(api: Client, stack: LocalStack) -> None:
    # Given five mentions of Acme, an hour apart, stored through the webhook pipeline
    create(api, id="acme", query="Acme")
    newest_first = store_mentions(api, stack, 5)

    # When a client pages through the feed two at a time
    pages = page_through(api, "acme", limit=2)

    # Then it sees every mention once, newest first, in pages of at most two, and the
    # last page says there is no next one
    assert [len(p) for p in pages] == [2, 2, 1]
    seen = [item["native_id"] for page in pages for item in page]
    assert seen == newest_first
    assert len({item["id"] for page in pages for item in page}) == 5
    published = [item["published_at"] for page in pages for item in page]
    assert published == sorted(published, reverse=True)


def test_a_feed_that_fills_its_last_page_exactly_says_there_is_no_next_page(
    api: Client, stack: LocalStack
) -> None:
    # Given four mentions
    create(api, id="acme", query="Acme")
    newest_first = store_mentions(api, stack, 4)

    # When a client pages through two at a time
    pages = page_through(api, "acme", limit=2)

    # Then two full pages, and the second one's `next` is null (no empty page to fetch)
    assert [[i["native_id"] for i in p] for p in pages] == [newest_first[:2], newest_first[2:]]


def test_the_feed_shows_each_mention_as_stored(api: Client, stack: LocalStack) -> None:
    # Given one mention arrived through the webhook
    create(api, id="acme", query="Acme")
    post_mention(api, "zap-1", "2026-11-21T08:15:00Z", "Acme refunded me")
    stack.drain()

    # When the client reads the feed
    status, body, _ = send(api, "GET", "/watches/acme/mentions")

    # Then the mention is there with the fields a reader needs
    assert status == 200
    assert body["next"] is None
    (item,) = body["items"]
    assert item["watch_id"] == "acme"
    assert (item["source"], item["native_id"], item["text"]) == ("zap", "zap-1", "Acme refunded me")
    assert item["published_at"] == "2026-11-21T08:15:00+00:00"
    assert item["matched_terms"] == ["Acme"]
    assert item["id"].startswith("20261121T081500Z.")


def test_a_new_watch_has_an_empty_feed(api: Client) -> None:
    create(api, id="acme", query="Acme")

    status, body, _ = send(api, "GET", "/watches/acme/mentions")

    assert (status, body) == (200, {"items": [], "next": None})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit must be between 1 and 100"),
        ("limit=101", "limit must be between 1 and 100"),
        ("limit=-1", "limit must be between 1 and 100"),
        ("limit=abc", "limit must be a whole number"),
        ("limit=", "limit must be a whole number"),
        ("cursor=garbage", "cursor is not one this API gave out"),
        ("cursor=20261121T081500Z.short", "cursor is not one this API gave out"),
    ],
)
def test_a_bad_limit_or_cursor_is_refused_with_400(api: Client, query: str, message: str) -> None:
    # Given a watch
    create(api, id="acme", query="Acme")

    # When the client asks for its feed with a bad parameter
    status, body, _ = send(api, "GET", f"/watches/acme/mentions?{query}")

    # Then it is told what is wrong
    assert status == 400
    assert body["Message"] == message


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limits_at_the_bounds_are_accepted(api: Client, limit: str) -> None:
    create(api, id="acme", query="Acme")

    assert send(api, "GET", f"/watches/acme/mentions?limit={limit}")[0] == 200


def test_one_mention_can_be_read_by_its_id(api: Client, stack: LocalStack) -> None:
    # Given two stored mentions
    create(api, id="acme", query="Acme")
    store_mentions(api, stack, 2)
    feed = send(api, "GET", "/watches/acme/mentions")[1]["items"]

    # When the client reads the older one by the id the feed gave
    status, body, _ = send(api, "GET", f"/watches/acme/mentions/{feed[1]['id']}")

    # Then it gets that mention, as the feed showed it, with its story's copies (none here)
    assert status == 200
    assert body.pop("copies") == []
    assert body == feed[1]


def test_a_mention_of_another_watch_or_an_unknown_id_is_404(api: Client, stack: LocalStack) -> None:
    # Given a mention stored for "acme" and a second watch that did not match it
    create(api, id="acme", query="Acme")
    create(api, id="globex", query="Globex")
    store_mentions(api, stack, 1)
    stored_id = send(api, "GET", "/watches/acme/mentions")[1]["items"][0]["id"]
    unknown_id = "20261121T000000Z." + "a" * 20

    # When the client asks for mentions that are not there
    # Then each is 404 with a message
    for path in (
        f"/watches/globex/mentions/{stored_id}",
        f"/watches/acme/mentions/{unknown_id}",
        "/watches/acme/mentions/not-an-id",
    ):
        status, body, _ = send(api, "GET", path)
        assert status == 404, path
        assert body["Code"] == "NotFoundError"
        assert "no mention" in body["Message"]


# Health


def test_health_answers_without_any_setup(api: Client) -> None:
    # Given a fresh deployment with no watches
    # When a client asks for health
    status, body, _ = send(api, "GET", "/health")

    # Then Tidings is up and has no watches and no sources yet
    assert status == 200
    assert body["status"] == "ok"
    assert body["watches"] == 0
    assert body["sources"] == []


def test_health_counts_the_watches(api: Client) -> None:
    create(api, id="acme", query="Acme")
    create(api, id="globex", query="Globex")

    status, body, _ = send(api, "GET", "/health")

    assert (status, body["watches"]) == (200, 2)
