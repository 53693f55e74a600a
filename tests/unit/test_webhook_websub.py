"""YouTube WebSub: which challenges are answered, what a notification becomes, tombstones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.domain.models import Author, SourceRef, Watch
from chalicelib.errors import SignatureError, ValidationError
from chalicelib.webhooks.websub import (
    LEASE_SECONDS,
    parse_notification,
    subscription_form,
    topic_for,
    wanted_topics,
)
from chalicelib.webhooks.websub import answer_challenge as answer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "youtube"
GOOGLE_EXAMPLE = (FIXTURES / "websub_notification_google_docs_example.xml").read_bytes()
CHANNEL = "UCxxxxxxxxxxxxxxxxxxxxxx"
WATCHES = [
    Watch(id="acme", name="Acme", query="Acme", sources=(SourceRef("youtube_channel", CHANNEL),)),
    Watch(
        id="off",
        name="Off",
        query="x",
        sources=(SourceRef("youtube_channel", "UCoff"),),
        enabled=False,
    ),
]
TOMBSTONE = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:abc123XYZ_-" when="2026-11-21T10:00:00+00:00">
    <link href="https://www.youtube.com/watch?v=abc123XYZ_-"/>
  </at:deleted-entry>
</feed>"""


def test_only_enabled_watches_channels_are_wanted() -> None:
    assert wanted_topics(WATCHES) == {topic_for(CHANNEL)}


def test_the_challenge_is_echoed_for_a_topic_we_want() -> None:
    params = {"hub.mode": "subscribe", "hub.topic": topic_for(CHANNEL), "hub.challenge": "c-1"}

    assert answer(params, wanted_topics(WATCHES)) == "c-1"


def test_a_subscription_nobody_asked_for_is_not_confirmed() -> None:
    params = {"hub.mode": "subscribe", "hub.topic": topic_for("UCother"), "hub.challenge": "c"}

    with pytest.raises(SignatureError):
        answer(params, wanted_topics(WATCHES))


def test_an_unsubscribe_is_confirmed_only_for_a_topic_we_no_longer_want() -> None:
    gone = {"hub.mode": "unsubscribe", "hub.topic": topic_for("UCold"), "hub.challenge": "c"}
    kept = {**gone, "hub.topic": topic_for(CHANNEL)}

    assert answer(gone, wanted_topics(WATCHES)) == "c"
    with pytest.raises(SignatureError):
        answer(kept, wanted_topics(WATCHES))


def test_the_subscription_form_asks_for_a_lease_and_sets_the_secret() -> None:
    form = subscription_form(topic_for(CHANNEL), "https://api.example/webhooks/youtube", "s")

    assert form == {
        "hub.mode": "subscribe",
        "hub.topic": "https://www.youtube.com/xml/feeds/videos.xml?channel_id=" + CHANNEL,
        "hub.callback": "https://api.example/webhooks/youtube",
        "hub.lease_seconds": str(LEASE_SECONDS),
        "hub.verify": "async",
        "hub.secret": "s",
    }


def test_googles_example_notification_is_one_youtube_mention() -> None:
    result = parse_notification(GOOGLE_EXAMPLE)

    [mention] = result.mentions
    assert (mention.source, mention.native_id, mention.title) == (
        "youtube",
        "VIDEO_ID",
        "Video title",
    )
    assert mention.url == "http://www.youtube.com/watch?v=VIDEO_ID"
    assert mention.author == Author(
        name="Channel title", handle="CHANNEL_ID", url="http://www.youtube.com/channel/CHANNEL_ID"
    )
    assert mention.published_at == datetime(2015, 3, 6, 21, 40, 57, tzinfo=UTC)
    assert result.deleted == []


def test_a_tombstone_names_the_deleted_video() -> None:
    result = parse_notification(TOMBSTONE)

    assert (result.mentions, result.deleted) == ([], ["abc123XYZ_-"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<feed", "not valid XML"),
        (b"<rss/>", "Atom feed"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><feed/>', "document type"),
        (GOOGLE_EXAMPLE.replace(b"<yt:videoId>VIDEO_ID</yt:videoId>", b""), "yt:videoId"),
    ],
    ids=["truncated", "not-atom", "entities", "no-video-id"],
)
def test_a_malformed_notification_says_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_notification(body)
