"""A YouTube WebSub tombstone (`at:deleted-entry`) takes effect: every stored mention of the
deleted video is marked deleted in the feed and its words are blanked; a forged tombstone
changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.local.config import LocalConfig
from chalicelib.local.stack import LocalStack
from chalicelib.webhooks.hub_signature import digest

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOTIFICATION = (FIXTURES / "youtube" / "websub_notification_google_docs_example.xml").read_bytes()
TOMBSTONE = (
    b'<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" '
    b'xmlns="http://www.w3.org/2005/Atom"><at:deleted-entry ref="yt:video:VIDEO_ID" '
    b'when="2026-11-21T10:00:00+00:00"/></feed>'
)
SECRET = "hub-s"


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {"Content-Type": "application/atom+xml", "X-Hub-Signature": digest(secret, body, "sha1")}


def items(api: Client, watch_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(api.http.get(f"/watches/{watch_id}/mentions").body)[
        "items"
    ]
    return found


@pytest.fixture
def configured(stack: LocalStack) -> LocalStack:
    """The hub's secret in SSM, loaded as `tidings up` loads it (before the API's key)."""
    stack.configure(
        LocalConfig(watches=(), platform_webhooks={"youtube": {"websub_secret": SECRET}})
    )
    return stack


@pytest.fixture
def videos(configured: LocalStack, api: Client) -> LocalStack:
    """Two watches on the channel: a tombstone reaches both."""
    stack = configured
    for watch_id in ("vids", "brand"):
        response = api.http.post(
            "/watches",
            headers={"Content-Type": "application/json"},
            body=json.dumps(
                {
                    "id": watch_id,
                    "query": "video",
                    "sources": [{"kind": "youtube_channel", "target": "CHANNEL_ID"}],
                }
            ),
        )
        assert response.status_code == 201, response.body
    return stack


def test_a_signed_tombstone_marks_the_video_deleted_in_every_watch_and_blanks_it(
    videos: LocalStack, api: Client
) -> None:
    # Given a video the hub announced, stored in two watches
    assert api.http.post("/webhooks/youtube", headers=signed(NOTIFICATION), body=NOTIFICATION)
    videos.drain()
    before = items(api, "vids")
    assert [(i["native_id"], i["title"], i["status"]) for i in before] == [
        ("VIDEO_ID", "Video title", "new")
    ]

    # When the hub sends the video's tombstone
    answer = api.http.post("/webhooks/youtube", headers=signed(TOMBSTONE), body=TOMBSTONE)
    videos.drain()

    # Then each watch's feed shows the mention deleted, with no title or text left
    assert answer.status_code == 200
    for watch_id in ("vids", "brand"):
        (item,) = items(api, watch_id)
        assert (item["native_id"], item["status"], item["title"], item["text"]) == (
            "VIDEO_ID",
            "deleted",
            "",
            "",
        )


def test_a_forged_tombstone_is_refused_and_the_video_stays(videos: LocalStack, api: Client) -> None:
    api.http.post("/webhooks/youtube", headers=signed(NOTIFICATION), body=NOTIFICATION)
    videos.drain()

    answer = api.http.post(
        "/webhooks/youtube", headers=signed(TOMBSTONE, secret="wrong"), body=TOMBSTONE
    )
    videos.drain()

    assert answer.status_code == 401
    (item,) = items(api, "vids")
    assert (item["status"], item["title"]) == ("new", "Video title")


def test_a_tombstone_for_a_video_never_stored_changes_nothing(
    videos: LocalStack, api: Client
) -> None:
    answer = api.http.post("/webhooks/youtube", headers=signed(TOMBSTONE), body=TOMBSTONE)
    videos.drain()

    assert answer.status_code == 200
    assert items(api, "vids") == []
