"""Alert delivery state in DynamoDB: flood control, the delivery ledger, gone Slack targets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.domain.alerts.flood import FloodState, Held
from chalicelib.store.tables import AlertDeliveryModel, AlertStateModel

CONDITION_FAILED = "ConditionalCheckFailedException"
LEDGER_DAYS = 14  # longer than SNS and Lambda retry anything, and than the DLQ keeps it


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def state_to_dict(state: FloodState) -> dict[str, Any]:
    return {
        "window_start": _iso(state.window_start),
        "sent": state.sent,
        "held_count": state.held_count,
        "top": [[h.alert_id, h.headline, h.url, h.reach] for h in state.top],
        "first_held_at": _iso(state.first_held_at),
        "quiet": state.quiet,
    }


def state_from_dict(data: dict[str, Any], version: int) -> FloodState:
    return FloodState(
        window_start=_dt(data.get("window_start")),
        sent=int(data.get("sent", 0)),
        held_count=int(data.get("held_count", 0)),
        top=tuple(Held(str(a), str(h), str(u), float(r)) for a, h, u, r in data.get("top", [])),
        first_held_at=_dt(data.get("first_held_at")),
        quiet=bool(data.get("quiet", False)),
        version=version,
    )


class DynamoFloodStore:
    def get(self, watch_id: str, channel: str) -> FloodState:
        try:
            item = AlertStateModel.get("flood", f"{watch_id}#{channel}", consistent_read=True)
        except AlertStateModel.DoesNotExist:
            return FloodState()
        return state_from_dict(dict(item.state), int(item.version))

    def save(self, watch_id: str, channel: str, state: FloodState) -> bool:
        item = AlertStateModel(
            "flood",
            f"{watch_id}#{channel}",
            state=state_to_dict(state),
            version=state.version + 1,
            updated_at=datetime.now(UTC),
        )
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
            state = state_from_dict(dict(item.state), int(item.version))
            if state.held_count:
                watch_id, _, channel = item.scope.rpartition("#")
                out.append((watch_id, channel, state))
        return out


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
