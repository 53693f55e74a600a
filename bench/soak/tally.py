"""Counting what a user sees after the soak: the watch's feed and volume through the REST API,
the posts the Slack stand-in accepted, what is left in the queues, and the poll cursor."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.soak.mentions import SoakMention
from bench.soak.slack import TOKEN


@dataclass(frozen=True)
class Feed:
    """The watch's feed as the API serves it."""

    items: int  # every item the feed lists
    tokens: Counter[str]  # soak token -> feed items carrying it
    leads: frozenset[str]  # tokens of story leads: each is due one alert and one count


class Api:
    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self._key = key

    def get(self, path: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(
            self.base_url + path + query, headers={"Authorization": f"Bearer {self._key}"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def feed(self, watch_id: str) -> Feed:
        tokens: Counter[str] = Counter()
        leads: set[str] = set()
        items, cursor = 0, ""
        while True:
            page = self.get(
                f"/watches/{watch_id}/mentions",
                limit="100",
                **({"cursor": cursor} if cursor else {}),
            )
            for item in page["items"]:
                items += 1
                found = TOKEN.findall(str(item.get("text", "")))
                tokens.update(found[:1])
                if item.get("is_story_lead"):
                    leads.update(found[:1])
            cursor = page.get("next") or ""
            if not cursor:
                return Feed(items, tokens, frozenset(leads))

    def volume(self, watch_id: str, mentions: Sequence[SoakMention]) -> int:
        """The watch's counted mentions over the soak's published times."""
        since = datetime.fromtimestamp(min(m.created_at for m in mentions), UTC) - timedelta(
            hours=1
        )
        until = datetime.now(UTC) + timedelta(hours=1)
        body = self.get(
            "/analytics/volume",
            interval="day",
            watch=watch_id,
            since=since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            until=until.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        return sum(int(point["total"]) for point in body["series"])


def queue_depth(queue_url: str) -> int:
    """Messages waiting or in flight."""
    from chalicelib.aws.clients import client

    attrs = client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


def cursor_consistent(watch_id: str, source_id: str, newest: int | None) -> bool:
    """The poll cursor is at the newest hit the platform published, owes no gap, and its last
    poll succeeded."""
    from chalicelib.services import services

    cursor = services().cursors.get(watch_id, source_id)
    position = cursor.position
    at = position.get("created_at_i")
    return (
        newest is not None
        and at is not None
        and int(at) == newest
        and not any(position.get("gaps") or {})
        and cursor.last_error is None
    )
