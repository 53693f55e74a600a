"""Alert delivery state in DynamoDB: flood control, the delivery ledger, gone Slack targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.domain.alerts.flood import FloodState, Held
from chalicelib.store.tables import (
    CONDITION_FAILED,
    AlertDeliveryModel,
    AlertStateModel,
    compact_json,
)

LEDGER_DAYS = 14  # longer than SNS and Lambda retry anything, and than the DLQ keeps it
ITEM_BYTES = 1000  # under the 1,024 one write unit covers, a margin for DynamoDB's own count
MIN_HEADLINE = 140  # a held headline is never cut shorter (a tweet's length)
ELLIPSIS = "…"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _epoch(value: datetime) -> int | float:
    """Seconds since 1970: 10 digits where an ISO string takes 32 (exact to the microsecond)."""
    seconds = round(value.timestamp(), 6)
    return int(seconds) if seconds == int(seconds) else seconds


def _dt(value: Any) -> datetime | None:
    """A stored time: epoch seconds, or the ISO string items written before them keep."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return datetime.fromtimestamp(float(value), UTC)


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def state_to_dict(
    state: FloodState, watch_id: str = "", channel: str = "", room: int | None = None
) -> dict[str, Any]:
    """The flood state as the item keeps it: one-letter names, epoch seconds, defaults left
    out, and what the item's scope already says (`<watch>:` and `#<channel>` around an alert
    id, `[<watch>] ` before a headline) left out of each held alert, so an idle scope is a few
    bytes. With `room` (bytes), headlines are cut to make it fit: see `_fit`."""
    out: dict[str, Any] = {}
    if state.window_start:
        out["w"] = _epoch(state.window_start)
    if state.sent:
        out["s"] = state.sent
    if state.held_count:
        out["n"] = state.held_count
    if state.top:
        scope = _Scope(watch_id, channel)
        out["t"] = [
            [scope.short_id(h.alert_id), scope.short_headline(h.headline), h.url, _number(h.reach)]
            for h in state.top
        ]
    if state.first_held_at:
        out["f"] = _epoch(state.first_held_at)
    if state.quiet:
        out["q"] = 1
    if room is not None and "t" in out:
        _fit(out, room)
    return out


def _fit(out: dict[str, Any], room: int) -> None:
    """Cut the longest held headlines, never below `MIN_HEADLINE` characters and marked "…",
    until the state's JSON takes at most `room` bytes. Why: a burst of long posts holds three
    300-character headlines, which took the item past 1 KB, so every alert of the burst paid
    2 WRU. The cost: a batch message's top lines end at 140 to 300 characters instead of 300;
    counts, limits, windows and quiet hours are untouched."""
    rows: list[list[Any]] = out["t"]
    while (excess := _json_bytes(out) - room) > 0:
        row = max(rows, key=lambda r: len(r[1]))
        text = str(row[1])
        if len(text) <= MIN_HEADLINE:
            return
        keep = max(MIN_HEADLINE, len(text) - excess - len(ELLIPSIS.encode()))
        row[1] = text[: keep - 1].rstrip() + ELLIPSIS


def _json_bytes(value: Any) -> int:
    """The bytes the item keeps it in (`CompactJSONAttribute`)."""
    return len(compact_json(value).encode())


def state_from_dict(
    data: dict[str, Any], version: int, watch_id: str = "", channel: str = ""
) -> FloodState:
    """Reads both the compact shape and the long names items written before it used."""

    def field(short: str, long: str, default: Any = None) -> Any:
        return data.get(short, data.get(long, default))

    scope = _Scope(watch_id, channel)
    return FloodState(
        window_start=_dt(field("w", "window_start")),
        sent=int(field("s", "sent", 0)),
        held_count=int(field("n", "held_count", 0)),
        top=tuple(
            Held(scope.full_id(str(a)), scope.full_headline(str(h)), str(u), float(r))
            for a, h, u, r in field("t", "top", [])
        ),
        first_held_at=_dt(field("f", "first_held_at")),
        quiet=bool(field("q", "quiet", False)),
        version=version,
    )


class _Scope:
    """Shortens a held alert by what its item's key already says. A shortened alert id starts
    with ":" and a shortened headline with "]": neither begins that way in full (alert ids begin
    with the watch id or "batch:", headlines with "["), so reading never guesses."""

    def __init__(self, watch_id: str, channel: str) -> None:
        self.prefix, self.suffix = f"{watch_id}:", f"#{channel}"
        self.tag = f"[{watch_id}] "
        self.on = bool(watch_id and channel)

    def short_id(self, alert_id: str) -> str:
        if self.on and alert_id.startswith(self.prefix) and alert_id.endswith(self.suffix):
            return ":" + alert_id[len(self.prefix) : len(alert_id) - len(self.suffix)]
        return alert_id

    def full_id(self, stored: str) -> str:
        return f"{self.prefix}{stored[1:]}{self.suffix}" if stored.startswith(":") else stored

    def short_headline(self, headline: str) -> str:
        return (
            "]" + headline[len(self.tag) :]
            if self.on and headline.startswith(self.tag)
            else headline
        )

    def full_headline(self, stored: str) -> str:
        return self.tag + stored[1:] if stored.startswith("]") else stored


class DynamoFloodStore:
    """One item per watch x channel, rewritten whole under a version check. Every save carries
    a change (`decide` always moves the count or the held set; the flush saves only a due
    batch), so there is no write to skip; the saving is in the item's size."""

    def get(self, watch_id: str, channel: str) -> FloodState:
        try:
            item = AlertStateModel.get("flood", f"{watch_id}#{channel}", consistent_read=True)
        except AlertStateModel.DoesNotExist:
            return FloodState()
        return state_from_dict(dict(item.state), int(item.version), watch_id, channel)

    def save(self, watch_id: str, channel: str, state: FloodState) -> bool:
        item = flood_item(watch_id, channel, state)
        condition = (
            AlertStateModel.scope.does_not_exist()
            if state.version == 0
            else AlertStateModel.version == state.version
        )
        try:
            item.save(condition=condition)
        except PutError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True

    def held(self) -> list[tuple[str, str, FloodState]]:
        out = []
        for item in AlertStateModel.query("flood", consistent_read=True):
            watch_id, _, channel = item.scope.rpartition("#")
            state = state_from_dict(dict(item.state), int(item.version), watch_id, channel)
            if state.held_count:
                out.append((watch_id, channel, state))
        return out


def flood_item(watch_id: str, channel: str, state: FloodState) -> AlertStateModel:
    """The item a save writes: no `updated_at` (the state's own times say when it moved)."""
    scope = f"{watch_id}#{channel}"
    version = state.version + 1
    # The item's bytes besides the state's JSON: attribute names, keys, the version number.
    other = len(f"pkfloodscope{scope}stateversion".encode()) + len(str(version)) // 2 + 1
    room = ITEM_BYTES - other
    return AlertStateModel(
        "flood", scope, state=state_to_dict(state, watch_id, channel, room), version=version
    )


class DynamoDeliveryLedger:
    def claim(self, key: str, now: datetime, lease_s: int) -> bool:
        item = AlertDeliveryModel(
            key, status="sending", claimed_at=now, expires_at=now + timedelta(days=LEDGER_DAYS)
        )
        stale = (AlertDeliveryModel.status == "sending") & (
            AlertDeliveryModel.claimed_at < now - timedelta(seconds=lease_s)
        )
        try:
            item.save(condition=AlertDeliveryModel.delivery_key.does_not_exist() | stale)
        except PutError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True

    def finish(self, key: str, status: str) -> None:
        AlertDeliveryModel(key).update(actions=[AlertDeliveryModel.status.set(status)])

    def release(self, key: str) -> None:
        AlertDeliveryModel(key).delete()


class DynamoGoneTargets:
    """Slack targets that answered "gone": skipped until the URL or channel changes."""

    def mark(self, target: str, channel: str, reason: str, now: datetime) -> None:
        AlertStateModel(
            "gone", target, state={"channel": channel, "reason": reason}, updated_at=now
        ).save()

    def reason(self, target: str) -> str | None:
        try:
            item = AlertStateModel.get("gone", target)
        except AlertStateModel.DoesNotExist:
            return None
        return str(item.state.get("reason", "gone"))

    def all(self) -> list[dict[str, Any]]:
        return [
            {
                "target": item.scope,
                "channel": item.state.get("channel"),
                "reason": item.state.get("reason"),
                "since": _iso(item.updated_at),
            }
            for item in AlertStateModel.query("gone")
        ]
