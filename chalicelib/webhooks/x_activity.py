"""X Account Activity API: the CRC challenge and signed event deliveries.

CRC: `GET ?crc_token=T` is answered `{"response_token": "sha256=" + base64(HMAC-SHA256(
consumer_secret, T))}`. Deliveries carry `x-twitter-webhooks-signature`, the same primitive over
the raw body. Only `tweet_create_events` posted by someone other than the subscribed account
(`for_user_id`) become Mentions, keyed by the post's id; likes, follows, DMs and the rest are
acknowledged and dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from chalicelib.domain.models import Author, Mention, published_in_range
from chalicelib.errors import ValidationError
from chalicelib.webhooks.hub_signature import digest

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
CRC_TOKEN_LIMIT = 500


@dataclass
class Delivery:
    mentions: list[Mention] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # event kinds (and "own_post")


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    if not crc_token or len(crc_token) > CRC_TOKEN_LIMIT:
        raise ValidationError("crc_token is missing")
    token = crc_token.encode("utf-8", "surrogatepass")  # a query string may hold any character
    return {"response_token": digest(consumer_secret, token, "sha256", "base64")}


def parse_delivery(body: bytes) -> Delivery:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ValidationError("body must be a JSON object")
    owner = str(data.get("for_user_id") or "")
    delivery = Delivery()
    for name, events in data.items():
        if name == "tweet_create_events":
            if not isinstance(events, list):
                raise ValidationError("tweet_create_events must be a list")
            for tweet in events:
                mention = _mention(tweet)
                if owner and _author_id(tweet) == owner:
                    delivery.dropped.append("own_post")  # the account's own post: not a mention
                else:
                    delivery.mentions.append(mention)
        elif name.endswith("_events"):
            delivery.dropped.append(name)
    return delivery


def _mention(tweet: Any) -> Mention:
    if not isinstance(tweet, dict):
        raise ValidationError("each tweet_create_event must be an object")
    native = tweet.get("id_str") or tweet.get("id")
    if isinstance(native, bool) or not isinstance(native, str | int) or not str(native):
        raise ValidationError("a tweet_create_event has no id_str")
    user = _obj(tweet.get("user"))
    extended = _obj(tweet.get("extended_tweet"))
    text = extended.get("full_text") or tweet.get("full_text") or tweet.get("text")
    if not isinstance(text, str):
        raise ValidationError("a tweet_create_event has no text")
    handle = str(user.get("screen_name") or "")
    followers = user.get("followers_count")
    return Mention(
        source="x",
        native_id=str(native),
        url=f"https://x.com/{handle or 'i'}/status/{native}",
        text=text[:40_000],
        published_at=_created_at(tweet.get("created_at"), tweet.get("timestamp_ms")),
        author=Author(
            name=str(user.get("name") or ""),
            handle=handle,
            url=f"https://x.com/{handle}" if handle else "",
            reach=followers if isinstance(followers, int) and followers >= 0 else None,
        ),
        language=tweet.get("lang") if isinstance(tweet.get("lang"), str) else None,
        engagement={
            k: v
            for k, v in (
                ("likes", tweet.get("favorite_count")),
                ("reposts", tweet.get("retweet_count")),
                ("replies", tweet.get("reply_count")),
            )
            if isinstance(v, int) and not isinstance(v, bool)
        },
    )


def _author_id(tweet: dict[str, Any]) -> str:
    user = _obj(tweet.get("user"))
    return str(user.get("id_str") or user.get("id") or "")


def _created_at(created_at: Any, timestamp_ms: Any) -> datetime:
    """v1.1 dates look like `Wed Oct 10 20:19:24 +0000 2018`; `timestamp_ms` is a string."""
    if isinstance(timestamp_ms, str) and timestamp_ms.isascii() and timestamp_ms.isdigit():
        try:
            moment = datetime.fromtimestamp(int(timestamp_ms) / 1000, UTC)
        except (OverflowError, OSError, ValueError):  # beyond year 9999: try created_at
            pass
        else:
            if published_in_range(moment):
                return moment
    if isinstance(created_at, str):
        parts = created_at.split()
        if len(parts) == 6:  # to RFC 2822: "Wed, 10 Oct 2018 20:19:24 +0000"
            try:
                moment = parsedate_to_datetime(
                    f"{parts[0]}, {parts[2]} {parts[1]} {parts[5]} {parts[3]} {parts[4]}"
                )
            except (TypeError, ValueError):
                pass
            else:  # "-0000" parses without a zone: it means UTC
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                if published_in_range(moment):
                    return moment
    return datetime.now(UTC)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
