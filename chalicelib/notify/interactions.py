"""A Slack button press: which mention, which triage status, and the message that replaces
the alert (its buttons swapped for who did what)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from chalicelib.errors import ValidationError
from chalicelib.notify.render import ACTION_HANDLED, ACTION_IGNORED

STATUS_OF = {ACTION_HANDLED: "handled", ACTION_IGNORED: "ignored"}


@dataclass(frozen=True)
class Triage:
    watch_id: str
    mention_id: str
    status: str
    user: str
    response_url: str
    message: dict[str, Any]


def parse_interaction(body: bytes) -> Triage | None:
    """The triage a block_actions payload asks for; None for actions that change nothing
    (the Open button, which Slack also reports)."""
    form = parse_qs(body.decode("utf-8", "replace"))
    try:
        payload = json.loads(form["payload"][0])
    except (KeyError, IndexError, ValueError) as error:
        raise ValidationError("the body must be form-encoded with a JSON payload") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("actions") or [], list):
        raise ValidationError("the payload must be an object with a list of actions")
    actions = [
        a
        for a in payload.get("actions") or []
        if isinstance(a, dict) and isinstance(a.get("action_id"), str)
    ]
    action = next((a for a in actions if a.get("action_id") in STATUS_OF), None)
    if action is None:
        return None
    watch_id, sep, mention_id = str(action.get("value", "")).partition("|")
    if not sep or not watch_id or not mention_id:
        raise ValidationError("the action's value must be watch|mention")
    user: dict[str, Any] = payload["user"] if isinstance(payload.get("user"), dict) else {}
    return Triage(
        watch_id=watch_id,
        mention_id=mention_id,
        status=STATUS_OF[action["action_id"]],
        user=str(user.get("username") or user.get("name") or user.get("id") or "someone"),
        response_url=str(payload.get("response_url") or ""),
        message=payload["message"] if isinstance(payload.get("message"), dict) else {},
    )
