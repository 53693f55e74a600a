"""The REST API a support team and its dashboard use: API keys, the filtered feed across
watches with its cursor, triage and time to first response, analytics from the counters,
export, erasure and retention, against DynamoDB Local and moto's server."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from chalice.test import Client

from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from chalicelib.store.tables import MentionModel
from tests.integration.test_end_to_end import signed

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}
DAY = "2026-11-20"
# (id, hour, text, source, language, handle, reach)
POSTS = [
    ("a1", 8, "I love Acme, a great and wonderful product", "zapier", "en", "@dana", 5000),
    ("a2", 9, "Acme outage again, terrible and awful service", "n8n", "en", "@lee", 10),
    ("a3", 10, "Der Kundenservice von Acme ist großartig", "zapier", "de", "@dana", 5000),
    ("g1", 11, "Globex and Acme both announced pricing", "zapier", "en", "@kim", 300),
    ("g2", 12, "Globex shipped a new release", "zapier", "en", "@lee", 10),
]


def call(api: Client, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    response = api.http.request(method, path, headers={**JSON, **headers}, body=raw)
    try:
        payload = json.loads(response.body) if response.body else None
    except ValueError:
        payload = response.body.decode()
    return response.status_code, payload


def given_watches_and_posts(api: Client, stack: LocalStack) -> None:
    for watch_id, query in (("acme", "Acme"), ("globex", "Globex")):
        status, body = call(
            api, "POST", "/watches", {"id": watch_id, "name": watch_id, "query": query}
        )
        assert status == 201, body
    for native_id, hour, text, source, lang, handle, reach in POSTS:
        mention = {
            "id": native_id,
            "text": text,
            "published_at": f"{DAY}T{hour:02d}:00:00Z",
            "source": source,
            "language": lang,
            "author": {"name": handle.strip("@").title(), "handle": handle, "reach": reach},
        }
        raw = json.dumps(mention).encode()
        response = api.http.post("/webhooks/generic/zap", headers=signed(raw), body=raw)
        assert response.status_code == 202, response.body
    stack.drain()


def ids(body: dict[str, Any]) -> list[str]:
    return [f"{i['watch_id']}:{i['native_id']}" for i in body["items"]]


# Auth ------------------------------------------------------------------------------------------


def test_without_a_valid_key_the_api_answers_401_and_public_routes_stay_open(
    api: Any, anonymous: Client
) -> None:
    missing = call(anonymous, "GET", "/watches")
    unknown = call(
        anonymous, "GET", "/mentions", Authorization="Bearer tdg_0123456789ab_" + "x" * 40
    )
    malformed = call(anonymous, "GET", "/watches", **{"X-Api-Key": "hunter2"})
    by_header = call(anonymous, "GET", "/watches", **{"X-Api-Key": api.api_key})
    health = call(anonymous, "GET", "/health")
    document = call(anonymous, "GET", "/openapi.json")
    key_id = api.api_key.split("_")[1]
    services().api_keys.revoke(key_id)
    revoked = call(api, "GET", "/watches")

    assert missing[0] == 401
    assert missing[1]["Code"] == "UnauthorizedError"
    assert "Authorization: Bearer" in missing[1]["Message"]
    assert unknown == (
        401,
        {"Code": "UnauthorizedError", "Message": "the API key is unknown or revoked"},
    )
    assert malformed[0] == 401
    assert "malformed" in malformed[1]["Message"]
    assert by_header[0] == 200
    assert health[0] == 200
    assert document[0] == 200
    assert document[1]["openapi"] == "3.1.0"
    assert revoked[0] == 401


# Feed --------------------------------------------------------------------------------------------


def test_every_filter_narrows_the_feed_and_pages_cover_it_exactly_once(
    api: Client, stack: LocalStack
) -> None:
    given_watches_and_posts(api, stack)

    def feed(query: str, path: str = "/watches/acme/mentions") -> list[str]:
        status, body = call(api, "GET", f"{path}?{query}")
        assert status == 200, body
        return ids(body)

    assert feed("") == ["acme:g1", "acme:a3", "acme:a2", "acme:a1"]
    assert feed("source=n8n") == ["acme:a2"]
    assert feed("lang=de") == ["acme:a3"]
    assert feed("sentiment=negative") == ["acme:a2"]
    assert feed("author=DANA") == ["acme:a3", "acme:a1"]
    assert feed(f"since={DAY}T09:00:00Z&until={DAY}T10:00:00Z") == ["acme:a3", "acme:a2"]
    assert feed("q=KUNDENSERVICE") == ["acme:a3"]
    assert feed("status=new&limit=1")[0] == "acme:g1"
    assert feed("status=handled") == []
    assert feed("", "/mentions") == [
        "globex:g2", "acme:g1", "globex:g1", "acme:a3", "acme:a2", "acme:a1",
    ]  # fmt: skip
    assert feed("author=lee", "/mentions") == ["globex:g2", "acme:a2"]
    pages, path = [], "/mentions?limit=4"
    while path:
        _, body = call(api, "GET", path)
        pages.append(ids(body))
        path = f"/mentions?limit=4&cursor={body['next']}" if body["next"] else ""
    assert pages == [["globex:g2", "acme:g1", "globex:g1", "acme:a3"], ["acme:a2", "acme:a1"]]
    assert call(api, "GET", "/mentions?cursor=bm9wZQ")[0] == 400
    assert call(api, "GET", "/mentions?sentiment=angry")[1]["Message"].startswith("sentiment")
    assert call(api, "GET", "/mentions?since=yesterday")[0] == 400


def test_triage_records_who_and_when_and_the_first_response_once(
    api: Client, stack: LocalStack
) -> None:
    given_watches_and_posts(api, stack)
    _, feed = call(api, "GET", "/watches/acme/mentions?source=n8n")
    path = f"/watches/acme/mentions/{feed['items'][0]['id']}"

    status, first = call(api, "PATCH", path, {"status": "needs_reply", "assignee": "maya"})
    _, second = call(api, "PATCH", path, {"status": "handled", "note": "answered by DM"})
    _, one = call(api, "GET", path)
    _, times = call(api, "GET", "/analytics/response-times?watch=acme")

    assert status == 200
    assert first["status"] == "needs_reply"
    assert first["status_by"] == "tests"  # the API key's name
    assert first["assignee"] == "maya"
    assert first["first_response_at"] is not None
    assert second["status"] == "handled"
    assert second["note"] == "answered by DM"
    assert second["first_response_at"] == first["first_response_at"]
    assert one["status"] == "handled"
    assert one["copies"] == []
    assert [w["watch_id"] for w in times["watches"]] == ["acme"]
    assert times["watches"][0]["count"] == 1
    assert times["assignees"][0]["assignee"] == "maya"
    assert times["assignees"][0]["mean_s"] >= 0
    assert call(api, "PATCH", path, {"status": "done"})[0] == 400
    assert call(api, "PATCH", path, {"colour": "red"})[0] == 400
    assert (
        call(
            api,
            "PATCH",
            "/watches/acme/mentions/20261120T080000Z." + "a" * 20,
            {"status": "handled"},
        )[0]
        == 404
    )


# Analytics ---------------------------------------------------------------------------------------


def test_analytics_come_from_the_counters(api: Client, stack: LocalStack) -> None:
    given_watches_and_posts(api, stack)
    period = f"since={DAY}T00:00:00Z&until={DAY}T23:59:59Z"

    _, volume = call(api, "GET", f"/analytics/volume?watch=acme&interval=hour&{period}")
    _, days = call(api, "GET", f"/analytics/volume?watch=acme&interval=day&{period}")
    _, share = call(api, "GET", f"/analytics/share-of-voice?watches=acme,globex&{period}")
    _, sources = call(api, "GET", f"/analytics/top-sources?watch=acme&{period}")
    _, authors = call(api, "GET", f"/analytics/top-authors?watch=acme&{period}&limit=2")
    _, campaign = call(api, "GET", f"/analytics/campaign?watch=acme&{period}")
    _, reputation = call(api, "GET", f"/analytics/reputation?watch=acme&{period}")

    assert len(volume["series"]) == 24
    assert volume["series"][9]["negative"] == 1
    assert days["series"] == [
        {"t": f"{DAY}T00:00:00+00:00", "total": 4, **volume_by_sentiment(volume)}
    ]
    assert share["items"] == [
        {"watch_id": "acme", "count": 4, "share": 0.6667},
        {"watch_id": "globex", "count": 2, "share": 0.3333},
    ]
    assert sources["items"] == [{"source": "zapier", "count": 3}, {"source": "n8n", "count": 1}]
    assert authors["items"][0]["author"] == "dana"
    assert authors["items"][0]["count"] == 2
    assert authors["items"][0]["reach_score"] > authors["items"][1]["reach_score"]
    assert campaign["current"]["total"] == 4
    assert campaign["previous"]["total"] == 0
    assert campaign["change"]["total"] == {"delta": 4, "ratio": None}
    assert 0 <= reputation["series"][0]["index"] <= 100
    assert "positive - negative" in reputation["formula"]
    assert call(api, "GET", "/analytics/volume?interval=minute")[0] == 400
    assert call(api, "GET", "/analytics/top-sources?watch=nobody")[0] == 404


def volume_by_sentiment(volume: dict[str, Any]) -> dict[str, int]:
    return {
        s: sum(p[s] for p in volume["series"])
        for s in ("positive", "neutral", "negative", "unscored")
    }


# Export, erasure, retention, preview, health -----------------------------------------------------


def test_export_gives_the_filtered_feed_as_csv_or_json_lines(
    api: Client, stack: LocalStack
) -> None:
    given_watches_and_posts(api, stack)

    as_csv = api.http.get("/export?format=csv&watch=acme&source=zapier")
    as_json = api.http.get("/export?format=json&author=lee")

    rows = list(csv.DictReader(io.StringIO(as_csv.body.decode())))
    lines = [json.loads(line) for line in as_json.body.decode().splitlines()]
    assert as_csv.status_code == 200
    assert as_csv.headers["Content-Disposition"] == 'attachment; filename="tidings-mentions.csv"'
    assert [r["author_handle"] for r in rows] == ["@kim", "@dana", "@dana"]
    assert as_json.headers["Content-Type"] == "application/x-ndjson"
    assert [(m["watch_id"], m["native_id"]) for m in lines] == [("globex", "g2"), ("acme", "a2")]
    assert api.http.get("/export?format=xml").status_code == 400


def test_erasing_an_author_removes_their_mentions_everywhere_but_not_the_counts(
    api: Client, stack: LocalStack
) -> None:
    given_watches_and_posts(api, stack)
    period = f"since={DAY}T00:00:00Z&until={DAY}T23:59:59Z"

    status, erased = call(api, "DELETE", f"/authors/zapier/{quote('@dana')}")
    _, feed = call(api, "GET", "/mentions?author=dana")
    _, rest = call(api, "GET", "/watches/acme/mentions")
    _, share = call(api, "GET", f"/analytics/share-of-voice?watches=acme&{period}")
    _, authors = call(api, "GET", f"/analytics/top-authors?watch=acme&{period}")

    assert status == 200
    assert erased["mentions_erased"] == 2
    assert feed["items"] == []
    assert ids(rest) == ["acme:g1", "acme:a2"]
    assert share["items"][0]["count"] == 4  # the counters keep their numbers
    assert "dana" not in [a["author"] for a in authors["items"]]


def test_a_changed_retention_sets_the_ttl_of_mentions_stored_after_it(
    api: Client, stack: LocalStack
) -> None:
    given_watches_and_posts(api, stack)
    status, _ = call(
        api, "PUT", "/watches/acme", {"name": "acme", "query": "Acme", "retention_days": 30}
    )
    raw = json.dumps(
        {"id": "a9", "text": "Acme again", "published_at": f"{DAY}T20:00:00Z"}
    ).encode()
    api.http.post("/webhooks/generic/zap", headers=signed(raw), body=raw)
    stack.drain()

    _, feed = call(api, "GET", "/watches/acme/mentions?limit=100")
    expiry = {i["native_id"]: MentionModel.get("acme", i["id"]).expires_at for i in feed["items"]}
    published = datetime(2026, 11, 20, tzinfo=UTC)
    assert status == 200
    assert expiry["a9"] == published + timedelta(hours=20, days=30)
    assert expiry["a1"] == published + timedelta(hours=8, days=365)


def test_preview_health_queues_and_the_served_document(api: Client, stack: LocalStack) -> None:
    given_watches_and_posts(api, stack)

    _, saved = call(api, "GET", "/watches/acme/preview?last=10")
    _, unsaved = call(api, "POST", "/watches/preview", {"query": "Acme -outage", "last": 10})
    _, bad = call(api, "POST", "/watches/preview", {"query": "Acme AND"})
    _, health = call(api, "GET", "/health")

    assert (saved["examined"], saved["matched"]) == (4, 4)
    assert (unsaved["examined"], unsaved["matched"]) == (6, 4)
    assert "query" in bad["Message"]
    assert health["queues"]["poll"] == {"messages": 0, "dlq_messages": 0}
    assert health["queues"]["ingest"] == {"messages": 0, "dlq_messages": 0}


def test_keys_made_with_the_cli_open_the_api_until_revoked(
    anonymous: Client, stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    from chalicelib.cli import main

    assert main(["keys", "create", "maya"]) == 0
    key = capsys.readouterr().out.splitlines()[-1]
    key_id = key.split("_")[1]
    allowed = call(anonymous, "GET", "/watches", Authorization=f"Bearer {key}")
    assert main(["keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert main(["keys", "revoke", key_id]) == 0
    refused = call(anonymous, "GET", "/watches", Authorization=f"Bearer {key}")

    assert allowed[0] == 200
    assert f"{key_id}  maya" in listed
    assert key.split("_", 2)[2] not in listed  # never the secret
    assert refused[0] == 401
    assert main(["keys", "revoke", "000000000000"]) == 1


def test_one_mention_comes_with_the_copies_of_its_story(api: Client, stack: LocalStack) -> None:
    call(api, "POST", "/watches", {"id": "acme", "name": "acme", "query": "Acme"})
    text = "Acme raises forty million dollars to bring its cloud platform to Europe next year"
    for n, native_id in enumerate(("lead", "copy")):
        raw = json.dumps(
            {"id": native_id, "text": text, "published_at": f"{DAY}T0{n + 1}:00:00Z"}
        ).encode()
        api.http.post("/webhooks/generic/zap", headers=signed(raw), body=raw)
        stack.drain()
    _, feed = call(api, "GET", "/watches/acme/mentions")
    by_native = {i["native_id"]: i for i in feed["items"]}

    _, lead = call(api, "GET", f"/watches/acme/mentions/{by_native['lead']['id']}")
    _, copy = call(api, "GET", f"/watches/acme/mentions/{by_native['copy']['id']}")

    assert [c["native_id"] for c in lead["copies"]] == ["copy"]
    assert [c["native_id"] for c in copy["copies"]] == ["lead"]
