"""YouTube over WebSub (PubSubHubbub): subscribe to channels' feeds, answer the hub's challenge,
parse its Atom notifications.

The hub only tells us about channels we subscribed to (a watch source `youtube_channel` with the
channel id as target): a new upload or a changed title or description. A video is keyed by its
id, so a re-sent or updated entry is stored and alerted once. `at:deleted-entry` tombstones name
videos taken down.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import (
    Author,
    FetchResult,
    Mention,
    SourceRef,
    Watch,
    published_in_range,
)
from chalicelib.errors import SignatureError, ValidationError

KIND = "youtube_channel"
SIGNATURE_HEADER = "X-Hub-Signature"
LEASE_SECONDS = 5 * 24 * 3600  # renewed daily, so one failed renewal never lets a lease lapse
TOPIC = "https://www.youtube.com/xml/feeds/videos.xml?channel_id={}"
CHANNEL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "yt": "http://www.youtube.com/xml/schemas/2015",
    "at": "http://purl.org/atompub/tombstones/1.0",
}


@dataclass
class Notification:
    mentions: list[Mention] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # video ids from tombstones


def topic_for(channel_id: str) -> str:
    return TOPIC.format(channel_id)


def wanted_topics(watches: Iterable[Watch]) -> set[str]:
    """The topics our enabled watches listen to: the only ones we subscribe to or confirm."""
    return {
        topic_for(source.target)
        for watch in watches
        if watch.enabled
        for source in watch.sources
        if source.kind == KIND and CHANNEL_ID.fullmatch(source.target)
    }


def subscription_form(topic: str, callback: str, secret: str | None) -> dict[str, str]:
    form = {
        "hub.mode": "subscribe",
        "hub.topic": topic,
        "hub.callback": callback,
        "hub.lease_seconds": str(LEASE_SECONDS),
        "hub.verify": "async",
    }
    if secret:
        form["hub.secret"] = secret
    return form


def answer_challenge(params: Mapping[str, str], wanted: set[str]) -> str:
    """The `hub.challenge` to echo when the hub asks about a topic we want (or, for an
    unsubscribe, one we no longer want); SignatureError otherwise, so a stranger cannot
    subscribe our endpoint to anything."""
    mode, topic = params.get("hub.mode", ""), params.get("hub.topic", "")
    challenge = params.get("hub.challenge", "")
    if not challenge or len(challenge) > 500:
        raise ValidationError("hub.challenge is missing")
    if mode == "subscribe" and topic in wanted:
        return challenge
    if mode == "unsubscribe" and topic not in wanted:
        return challenge
    raise SignatureError(f"not confirming {mode or 'an unknown mode'} for this topic")


def parse_notification(body: bytes) -> Notification:
    # What defusedxml would refuse: no DTD, so no entity expansion and no external entities.
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise ValidationError("document type declarations are not accepted")
    try:
        root = ET.fromstring(body)  # noqa: S314 (DTDs refused above; the body is size-capped)
    except ET.ParseError as error:
        raise ValidationError(f"body is not valid XML: {error}") from error
    if root.tag != f"{{{NS['atom']}}}feed":
        raise ValidationError("expected an Atom feed")
    notification = Notification()
    for entry in root.findall("atom:entry", NS):
        notification.mentions.append(_mention(entry))
    for tombstone in root.findall("at:deleted-entry", NS):
        ref = tombstone.get("ref", "")
        notification.deleted.append(ref.removeprefix("yt:video:"))
    return notification


def _mention(entry: ET.Element) -> Mention:
    video_id = _text(entry, "yt:videoId")
    if not video_id:
        raise ValidationError("an entry has no yt:videoId")
    channel_id = _text(entry, "yt:channelId")
    link = next(
        (
            el.get("href", "")
            for el in entry.findall("atom:link", NS)
            if el.get("rel", "alternate") == "alternate"
        ),
        "",
    )
    return Mention(
        source="youtube",
        native_id=video_id,
        url=link or f"https://www.youtube.com/watch?v={video_id}",
        title=_text(entry, "atom:title"),
        text="",
        published_at=_time(_text(entry, "atom:published") or _text(entry, "atom:updated")),
        author=Author(
            name=_text(entry, "atom:author/atom:name"),
            handle=channel_id,
            url=_text(entry, "atom:author/atom:uri"),
        ),
    )


def _text(entry: ET.Element, path: str) -> str:
    found = entry.find(path, NS)
    return (found.text or "").strip()[:2000] if found is not None else ""


def _time(value: str) -> datetime:
    """Atom times, with YouTube's nanoseconds cut to what Python reads (microseconds)."""
    if not value:
        return datetime.now(UTC)
    value = re.sub(r"(\.\d{6})\d+", r"\1", value.replace("Z", "+00:00"))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValidationError(f"not an Atom time: {value[:40]}") from error
    if not published_in_range(moment):
        raise ValidationError(f"an Atom time out of range: {value[:40]}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ChannelConnector:
    """`youtube_channel` is a push source: the hub delivers, so a poll finds nothing new. It is a
    connector only so watches can name it and the schedule's poll of it is a harmless no-op."""

    kind = KIND
    target_hint = "the channel id, e.g. UC_x5XG1OV2P6uZZ5FSM9Ttw"

    def __init__(self, settings: Any = None) -> None:
        self._settings = settings

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        return FetchResult(mentions=(), cursor=dict(cursor))
