"""Meta webhooks (Facebook Pages, Instagram): the GET handshake and event deliveries.

A delivery is `{"object": "page"|"instagram", "entry": [{"id", "time", "changes": [{"field",
"value"}]}]}`; one delivery may carry many changes. What becomes a Mention, keyed by Meta's own
id so a redelivery is stored once:

* page `feed`, verb add: a post or comment on the Page (`comment_id`, else `post_id`);
* page `mention`: the Page was tagged in a post or comment (`comment_id`, else `post_id`);
* instagram `comments`: a comment on the account's media (`id`);
* instagram `mentions`: the account was @mentioned (`comment_id`, else `media_id`).

Everything else (reactions, likes, edits, removals, messaging) is acknowledged and dropped.
Page and Instagram mention events may carry no text: only what they carry is stored.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Author, Mention, published_in_range
from chalicelib.errors import SignatureError, ValidationError

SIGNATURE_HEADER = "X-Hub-Signature-256"
POSTS = {"status", "post", "comment", "photo", "video", "share"}


@dataclass
class Delivery:
    mentions: list[Mention] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # "object.field[.item.verb]" per change


def answer_handshake(params: Mapping[str, str], verify_token: str) -> str:
    """The `hub.challenge` to echo, when mode and token are right; SignatureError otherwise."""
    if params.get("hub.mode") != "subscribe":
        raise SignatureError("hub.mode must be subscribe")
    token = params.get("hub.verify_token", "").encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(token, verify_token.encode()):
        raise SignatureError("hub.verify_token does not match")
    challenge = params.get("hub.challenge", "")
    if not challenge or len(challenge) > 200:
        raise ValidationError("hub.challenge is missing")
    return challenge


def parse_delivery(body: bytes) -> Delivery:
    data = _json_object(body)
    kind = data.get("object")
    entries = data.get("entry")
    if kind not in ("page", "instagram") or not isinstance(entries, list):
        raise ValidationError('expected {"object": "page"|"instagram", "entry": [...]}')
    delivery = Delivery()
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValidationError("each entry must be an object")
        changes = entry.get("changes", [])
        if not isinstance(changes, list):
            raise ValidationError("entry.changes must be a list")
        if "messaging" in entry:
            delivery.dropped.append(f"{kind}.messaging")
        for change in changes:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                raise ValidationError("each change needs a field and an object value")
            mention = _mention(kind, str(change.get("field")), change["value"], entry.get("time"))
            if mention is None:
                value = change["value"]
                what = ".".join(
                    str(p)
                    for p in (kind, change.get("field"), value.get("item"), value.get("verb"))
                    if p
                )
                delivery.dropped.append(what)
            else:
                delivery.mentions.append(mention)
    return delivery


def _mention(kind: str, name: str, value: dict[str, Any], entry_time: Any) -> Mention | None:
    published = _time(value.get("created_time"), entry_time)
    if kind == "page" and name in ("feed", "mention"):
        item = value.get("item", "post")
        if value.get("verb", "add") != "add" or not isinstance(item, str) or item not in POSTS:
            return None
        native = _id(value.get("comment_id")) or _id(value.get("post_id"))
        sender = _obj(value.get("from"))
        return Mention(
            source="facebook",
            native_id=_required(native, "post_id"),
            url=f"https://www.facebook.com/{native}",
            text=_text(value.get("message")),
            published_at=published,
            author=Author(
                name=_text(sender.get("name") or value.get("sender_name")),
                handle=_id(sender.get("id") or value.get("sender_id")),
            ),
        )
    if kind == "instagram" and name == "comments":
        sender = _obj(value.get("from"))
        return Mention(
            source="instagram",
            native_id=_required(_id(value.get("id")), "id"),
            url="",
            text=_text(value.get("text")),
            published_at=published,
            author=Author(name=_text(sender.get("username")), handle=_text(sender.get("username"))),
        )
    if kind == "instagram" and name == "mentions":
        native = _id(value.get("comment_id")) or _id(value.get("media_id"))
        return Mention(
            source="instagram",
            native_id=_required(native, "media_id"),
            url="",
            text=_text(value.get("text") or value.get("caption")),
            published_at=published,
        )
    return None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise ValidationError("body must be a JSON object")
    return data


def _id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value)[:200]


def _required(value: str, name: str) -> str:
    if not value:
        raise ValidationError(f"a change has no {name}")
    return value


def _text(value: Any) -> str:
    return value[:40_000] if isinstance(value, str) else ""


def _time(*candidates: Any) -> datetime:
    """Meta sends epoch seconds (sometimes milliseconds); without one, the time of receipt."""
    for value in candidates:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            seconds = value / 1000 if value > 10**11 else value
            try:
                moment = datetime.fromtimestamp(seconds, UTC)
            except (OverflowError, OSError, ValueError):  # beyond year 9999, or infinite
                continue
            if published_in_range(moment):
                return moment
            continue
        if isinstance(value, str) and value:
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            if published_in_range(moment):
                return moment
    return datetime.now(UTC)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
