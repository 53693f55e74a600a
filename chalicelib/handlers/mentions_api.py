"""REST: the mentions feed, per watch and across watches, newest first, filtered, with an
opaque cursor; one mention with its story's copies; triage (status, assignee, note)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice.app import Blueprint, NotFoundError

from chalicelib.domain.feed import FeedFilter, FeedPage, merge_page
from chalicelib.domain.models import TRIAGE_STATUSES
from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.handlers.feed_params import MENTION_ID, feed_filter, positions
from chalicelib.handlers.http import body_json, int_param, invalid
from chalicelib.services import services

bp = Blueprint(__name__)

TRIAGE_FIELDS = {"status", "assignee", "note"}
MAX_NOTE = 2000


def read_feed(
    watch_ids: list[str], wanted: FeedFilter, limit: int, at: Mapping[str, str]
) -> FeedPage:
    """One page of the merged feed of these watches, from the positions of a cursor."""
    feed = services().feed
    streams = {w: feed.stream(w, wanted, at.get(w)) for w in watch_ids}
    return merge_page(streams, wanted, limit, at)


def _page(watch_ids: list[str]) -> dict[str, Any]:
    limit = int_param(bp, "limit", 25, 1, 100)
    wanted = feed_filter(bp)
    page = read_feed(watch_ids, wanted, limit, positions(bp, watch_ids))
    return {"items": [watch_mention_to_dict(i) for i in page.items], "next": page.next}


@bp.route("/watches/{watch_id}/mentions", methods=["GET"])
def list_mentions(watch_id: str) -> dict[str, Any]:
    if services().watches.get(watch_id) is None:
        raise NotFoundError(f"no watch {watch_id!r}")
    return _page([watch_id])


@bp.route("/mentions", methods=["GET"])
def list_all_mentions() -> dict[str, Any]:
    return _page(sorted(w.id for w in services().watches.list()))


@bp.route("/watches/{watch_id}/mentions/{mention_id}", methods=["GET"])
def get_mention(watch_id: str, mention_id: str) -> dict[str, Any]:
    from chalicelib.store.api_store import story_copies

    item = (
        services().mentions.get(watch_id, mention_id) if MENTION_ID.fullmatch(mention_id) else None
    )
    if item is None:
        raise NotFoundError(f"no mention {mention_id!r} for watch {watch_id!r}")
    body = watch_mention_to_dict(item)
    story_id = item.story_id or item.id
    story = story_copies(watch_id, story_id)
    lead = services().mentions.get(watch_id, story_id) if story_id != item.id else None
    copies = {c.id: c for c in ([lead] if lead else []) + story if c.id != item.id}
    body["copies"] = [watch_mention_to_dict(c) for _, c in sorted(copies.items(), reverse=True)]
    return body


@bp.route("/watches/{watch_id}/mentions/{mention_id}", methods=["PATCH"])
def triage_mention(watch_id: str, mention_id: str) -> dict[str, Any]:
    from chalicelib.handlers.auth import current_actor
    from chalicelib.store.api_store import UNSET, TriageChange

    body = body_json(bp)
    if not isinstance(body, Mapping) or not body:
        raise invalid('the body must be a JSON object with "status", "assignee" or "note"')
    unknown = sorted(set(body) - TRIAGE_FIELDS)
    if unknown:
        raise invalid(f"unknown fields: {', '.join(unknown)}")
    status = body.get("status")
    if "status" in body and status not in TRIAGE_STATUSES:
        raise invalid(f"status must be one of {', '.join(TRIAGE_STATUSES)}")
    for name, limit in (("assignee", 200), ("note", MAX_NOTE)):
        value = body.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise invalid(f"{name} must be a string of at most {limit} characters, or null")
    change = TriageChange(
        status=status,
        assignee=body.get("assignee", UNSET),
        note=body.get("note", UNSET),
    )
    item = (
        services().triage.update(watch_id, mention_id, change, current_actor())
        if MENTION_ID.fullmatch(mention_id)
        else None
    )
    if item is None:
        raise NotFoundError(f"no mention {mention_id!r} for watch {watch_id!r}")
    return watch_mention_to_dict(item)
