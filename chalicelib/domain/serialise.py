"""Mentions as plain JSON: one shape for the API, queue messages and SNS alerts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.models import Author, Mention, WatchMention


def mention_to_dict(m: Mention) -> dict[str, Any]:
    return {
        "source": m.source,
        "native_id": m.native_id,
        "url": m.url,
        "title": m.title,
        "text": m.text,
        "published_at": m.published_at.isoformat(),
        "author": {
            "name": m.author.name,
            "handle": m.author.handle,
            "url": m.author.url,
            "reach": m.author.reach,
        },
        "language": m.language,
        "engagement": dict(m.engagement),
    }


def mention_from_dict(data: Mapping[str, Any]) -> Mention:
    """Trusted input only (our own queue messages); webhook bodies are validated elsewhere."""
    author = data.get("author") or {}
    return Mention(
        source=str(data["source"]),
        native_id=str(data["native_id"]),
        url=str(data.get("url") or ""),
        title=str(data.get("title") or ""),
        text=str(data.get("text") or ""),
        published_at=datetime.fromisoformat(str(data["published_at"])),
        author=Author(
            name=str(author.get("name") or ""),
            handle=str(author.get("handle") or ""),
            url=str(author.get("url") or ""),
            reach=int(author["reach"]) if author.get("reach") is not None else None,
        ),
        language=data.get("language"),
        engagement={str(k): int(v) for k, v in (data.get("engagement") or {}).items()},
    )


def watch_mention_to_dict(item: WatchMention) -> dict[str, Any]:
    return {
        "id": item.id,
        "watch_id": item.watch_id,
        **mention_to_dict(item.mention),
        "key": item.mention.key,
        "language": item.language,
        "source_language": item.mention.language,
        "sentiment": item.sentiment,
        "sentiment_score": item.sentiment_score,
        "matched_terms": list(item.matched_terms),
        "status": item.status,
        "status_by": item.status_by,
        "status_at": item.status_at.isoformat() if item.status_at else None,
        "reach_score": item.reach_score,
        "influencer": item.influencer,
        "story_id": item.story_id or item.id,
        "is_story_lead": item.is_story_lead,
        "assignee": item.assignee,
        "note": item.note,
        "first_response_at": (
            item.first_response_at.isoformat() if item.first_response_at else None
        ),
    }


def watch_mention_from_dict(data: Mapping[str, Any]) -> WatchMention:
    mention = mention_from_dict({**data, "language": data.get("source_language")})
    return WatchMention(
        watch_id=str(data["watch_id"]),
        mention=mention,
        language=str(data.get("language") or "und"),
        sentiment=str(data.get("sentiment") or "unscored"),
        sentiment_score=data.get("sentiment_score"),
        matched_terms=tuple(str(t) for t in data.get("matched_terms") or ()),
        status=str(data.get("status") or "new"),
        reach_score=float(data["reach_score"]) if data.get("reach_score") is not None else None,
        influencer=bool(data.get("influencer")),
        story_id=str(data["story_id"]) if data.get("story_id") else None,
        is_story_lead=bool(data.get("is_story_lead", True)),
    )
