"""REST: a watch's mentions, newest first, with cursor pagination."""

from __future__ import annotations

import re
from typing import Any

from chalice.app import Blueprint, NotFoundError

from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.handlers.http import int_param, invalid, query_param
from chalicelib.services import services

bp = Blueprint(__name__)

MENTION_ID = re.compile(r"^\d{8}T\d{6}Z\.[a-z2-7]{20}$")


@bp.route("/watches/{watch_id}/mentions", methods=["GET"])
def list_mentions(watch_id: str) -> dict[str, Any]:
    limit = int_param(bp, "limit", 25, 1, 100)
    after = query_param(bp, "cursor")
    if after is not None and not MENTION_ID.fullmatch(after):
        raise invalid("cursor is not one this API gave out")
    svc = services()
    if svc.watches.get(watch_id) is None:
        raise NotFoundError(f"no watch {watch_id!r}")
    items, next_cursor = svc.mentions.feed(watch_id, limit, after)
    return {"items": [watch_mention_to_dict(i) for i in items], "next": next_cursor}


@bp.route("/watches/{watch_id}/mentions/{mention_id}", methods=["GET"])
def get_mention(watch_id: str, mention_id: str) -> dict[str, Any]:
    item = (
        services().mentions.get(watch_id, mention_id) if MENTION_ID.fullmatch(mention_id) else None
    )
    if item is None:
        raise NotFoundError(f"no mention {mention_id!r} for watch {watch_id!r}")
    return watch_mention_to_dict(item)
