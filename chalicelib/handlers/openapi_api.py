"""REST: `GET /openapi.json`, the API described in OpenAPI 3.1. Written by hand, kept true by
a test that walks `app.routes` both ways: a route missing here, or an operation here that the
app does not serve, fails it."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

bp = Blueprint(__name__)

JSON = "application/json"
FEED_FILTERS = {
    "source": "only this source (hackernews, rss, reddit, ...)",
    "sentiment": "positive, neutral, negative or unscored",
    "lang": "the mention's language (ISO 639-1)",
    "status": "triage status: new, needs_reply, handled or ignored",
    "author": "the author's handle (with or without @) or name, ignoring case and accents",
    "since": "published at or after (ISO 8601)",
    "until": "published at or before (ISO 8601)",
    "q": "the title or text contains this, ignoring case and accents",
}


def _param(name: str, where: str, text: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": text,
        "schema": {"type": "string"},
    }


def _path(*names: str) -> list[dict[str, Any]]:
    return [_param(n, "path", n.replace("_", " ")) for n in names]


def _query(**names: str) -> list[dict[str, Any]]:
    return [_param(n, "query", text) for n, text in names.items()]


def _ok(text: str, schema: dict[str, Any] | None = None, media: str = JSON) -> dict[str, Any]:
    return {"description": text, "content": {media: {"schema": schema or {"type": "object"}}}}


def _op(
    summary: str,
    *,
    params: list[dict[str, Any]] | None = None,
    body: bool | dict[str, Any] = False,  # True: any JSON object; a dict: the body's content
    responses: dict[str, Any] | None = None,
    public: bool = False,
    tag: str = "api",
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": params or [],
        "responses": {
            "200": _ok("OK"),
            **(responses or {}),
            **({} if public else {"401": {"$ref": "#/components/responses/Unauthorized"}}),
        },
    }
    if body:
        content = body if isinstance(body, dict) else {JSON: {"schema": {"type": "object"}}}
        op["requestBody"] = {"required": True, "content": content}
    if public:
        op["security"] = []
    return op


FEED_PAGE = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Mention"}},
        "next": {"type": ["string", "null"], "description": "opaque cursor of the next page"},
    },
}
PAGE_PARAMS = _query(limit="1-100 (25)", cursor="the `next` of the previous page")
PERIOD = _query(since="ISO 8601 (default: 7 days before until)", until="ISO 8601 (default: now)")
WEBHOOK = {"401": {"description": "bad, missing or stale signature"}}
# Request bodies described closely enough for a client (or schemathesis) to send valid ones.
SOURCE = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"kind": {"type": "string"}, "target": {"type": "string"}},
            "required": ["kind"],
        },
    ]
}
WATCH = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "query": {"type": "string", "minLength": 1},
        "sources": {"type": "array", "items": SOURCE},
        "retention_days": {"type": "integer", "minimum": 1, "maximum": 3650},
        "enabled": {"type": "boolean"},
        "alerts": {"type": "object"},
    },
    "required": ["query"],
}
TRIAL = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "texts": {"type": "array", "items": {"type": "object"}},
        "watch_id": {"type": "string"},
        "last": {"type": "integer", "minimum": 1, "maximum": 200},
    },
    "required": ["query"],
}
TRIAGE = {
    "type": "object",
    "properties": {
        "status": {"enum": ["new", "needs_reply", "handled", "ignored"]},
        "assignee": {"type": ["string", "null"], "maxLength": 200},
        "note": {"type": ["string", "null"]},
    },
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {JSON: {"schema": schema}}


def _text(media: str) -> dict[str, Any]:
    return {media: {"schema": {"type": "string"}}}


def _hook(
    summary: str, params: list[dict[str, Any]] | None = None, body: bool | dict[str, Any] = False
) -> Any:
    """A platform webhook: public (the app verifies its signature), 401 when forged."""
    return _op(summary, params=params, body=body, responses=WEBHOOK, public=True, tag="webhooks")


def document() -> dict[str, Any]:
    feed = [*_query(**FEED_FILTERS), *PAGE_PARAMS]
    watch = _query(watch="one watch's id (default: every watch)")
    paths: dict[str, dict[str, Any]] = {
        "/": {"get": _op("the dashboard's page", public=True, tag="dashboard")},
        "/dashboard/{name}": {
            "get": _op("a dashboard asset", params=_path("name"), public=True, tag="dashboard")
        },
        "/health": {
            "get": _op("each source's last success and error, budgets, queue and DLQ depths",
                       public=True)
        },
        "/openapi.json": {"get": _op("this document", public=True)},
        "/watches": {
            "get": _op("list watches"),
            "post": _op("create a watch", body=_json(WATCH), responses={"201": _ok("created")}),
        },
        "/watches/{watch_id}": {
            "get": _op("one watch", params=_path("watch_id")),
            "put": _op("replace a watch", params=_path("watch_id"), body=_json(WATCH)),
            "delete": _op("delete a watch", params=_path("watch_id"),
                          responses={"204": {"description": "deleted"}}),
        },
        "/watches/preview": {
            "post": _op("how many of the last N stored mentions an unsaved query matches "
                        '(body {"query", "watch_id"?, "last"?})', body=_json(TRIAL))
        },
        "/watches/{watch_id}/preview": {
            "get": _op("how many of the watch's last N mentions its query matches",
                       params=[*_path("watch_id"), *_query(last="1-200 (50)")])
        },
        "/watches/{watch_id}/mentions": {
            "get": _op("the watch's feed, newest first", params=[*_path("watch_id"), *feed],
                       responses={"200": _ok("a page", FEED_PAGE)})
        },
        "/mentions": {
            "get": _op("every watch's feed merged, newest first", params=feed,
                       responses={"200": _ok("a page", FEED_PAGE)})
        },
        "/watches/{watch_id}/mentions/{mention_id}": {
            "get": _op("one mention, with its story's `copies`",
                       params=_path("watch_id", "mention_id")),
            "patch": _op('triage: body {"status"?, "assignee"?, "note"?}; the actor is the key',
                         params=_path("watch_id", "mention_id"), body=_json(TRIAGE)),
        },
        "/query/test": {
            "post": _op("try a query on texts or a watch's last mentions", body=_json(TRIAL))
        },
        "/analytics/volume": {
            "get": _op("mentions per interval by sentiment: {series: [{t, total, positive, "
                       "neutral, negative, unscored}]}",
                       params=[*watch, *_query(interval="hour, day or week"), *PERIOD])
        },
        "/analytics/share-of-voice": {
            "get": _op("each watch's share of all mentions: {items: [{watch_id, count, share}]}",
                       params=[*_query(watches="comma-separated watch ids"), *PERIOD])
        },
        "/analytics/top-sources": {
            "get": _op("mentions per source: {items: [{source, count}]}", params=[*watch, *PERIOD])
        },
        "/analytics/top-authors": {
            "get": _op("authors by reach: {items: [{author, source, reach_score, count}]}",
                       params=[*watch, *PERIOD, *_query(limit="1-100 (10)")])
        },
        "/analytics/campaign": {
            "get": _op("the period against the same length before: {current, previous, change}",
                       params=[*watch, *PERIOD])
        },
        "/analytics/reputation": {
            "get": _op("reputation index 0-100 per interval: {series: [{t, index}], formula}",
                       params=[*watch, *_query(interval="hour, day or week"), *PERIOD])
        },
        "/analytics/response-times": {
            "get": _op("time to first response: {watches: [...], assignees: [...]}",
                       params=[*watch, *PERIOD])
        },
        "/export": {
            "get": _op("the feed as a CSV or JSON-lines attachment (X-Tidings-Next to resume)",
                       params=[*watch, *_query(format="csv or json"), *feed],
                       responses={"200": _ok("the file", {"type": "string"}, "text/csv")})
        },
        "/authors/{source}/{handle}": {
            "delete": _op("erase everything stored about an author (every watch)",
                          params=_path("source", "handle"))
        },
        "/webhooks/generic/{integration}": {
            "post": _hook("a signed mention from Zapier, Make, n8n or your systems",
                        params=_path("integration"), body=True)
        },
        "/webhooks/meta": {
            "get": _hook("Meta's verify-token handshake",
                         params=_query(**{"hub.mode": "subscribe", "hub.verify_token": "yours",
                                          "hub.challenge": "echoed"})),
            "post": _hook("Facebook and Instagram events (X-Hub-Signature-256)", body=True),
        },
        "/webhooks/x": {
            "get": _hook("X's CRC check", params=_query(**{"crc_token": "signed back"})),
            "post": _hook("X Account Activity events", body=True),
        },
        "/webhooks/youtube": {
            "get": _hook("WebSub subscription challenge",
                         params=_query(**{"hub.mode": "subscribe or unsubscribe",
                                          "hub.topic": "the channel's feed",
                                          "hub.challenge": "echoed"})),
            "post": _hook("WebSub notification (Atom)", body=_text("application/atom+xml")),
        },
        "/slack/interactions": {
            "post": _hook("Slack's buttons (triage from the alert), signed by Slack",
                          body=_text("application/x-www-form-urlencoded"))
        },
        "/webhooks/sns/{integration}": {
            "post": _hook("Amazon SNS subscription confirmation and notifications",
                        params=_path("integration"), body=_text("text/plain"))
        },
    }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tidings",
            "version": "1",
            "description": "Social listening in your own AWS account. Times are ISO 8601 UTC; "
            'errors are {"Code", "Message"}.',
        },
        "security": [{"bearer": []}, {"apiKey": []}, {"sigv4": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "tdg_<id>_<secret>"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "sigv4": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "AWS SigV4 (API Gateway IAM auth)"},
            },
            "responses": {
                "Unauthorized": {
                    "description": "no API key, or an unknown or revoked one",
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "schemas": {
                "Error": {"type": "object", "properties": {"Code": {"type": "string"},
                                                           "Message": {"type": "string"}}},
                "Mention": {"type": "object", "properties": {
                    "id": {"type": "string"}, "watch_id": {"type": "string"},
                    "source": {"type": "string"}, "url": {"type": "string"},
                    "title": {"type": "string"}, "text": {"type": "string"},
                    "published_at": {"type": "string", "format": "date-time"},
                    "author": {"type": "object"}, "language": {"type": "string"},
                    "sentiment": {"type": "string"}, "reach_score": {"type": ["number", "null"]},
                    "status": {"type": "string"}, "status_by": {"type": ["string", "null"]},
                    "status_at": {"type": ["string", "null"]},
                    "assignee": {"type": ["string", "null"]}, "note": {"type": ["string", "null"]},
                    "first_response_at": {"type": ["string", "null"]},
                }},
            },
        },
    }  # fmt: skip


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> dict[str, Any]:
    return document()
