"""REST: is Tidings alive, and is each source of each watch still listening?"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.models import Watch
from chalicelib.services import services
from chalicelib.settings import Settings

bp = Blueprint(__name__)


@bp.route("/health", methods=["GET"])
def health() -> dict[str, Any]:
    svc = services()
    watches = svc.watches.list()
    sources = []
    for watch in watches:
        for cursor in svc.cursors.for_watch(watch.id):
            sources.append(
                {
                    "watch_id": watch.id,
                    "source": cursor.source_id,
                    "last_success_at": _iso(cursor.last_success_at),
                    "last_error": cursor.last_error,
                    "last_error_at": _iso(cursor.last_error_at),
                    "error_kind": cursor.last_error_kind if cursor.last_error else None,
                    "items_fetched": cursor.items_fetched,
                    "ok": cursor.last_error is None,
                }
            )
    return {
        "status": "ok",
        "stage": svc.settings.stage,
        "watches": len(watches),
        "sources": sources,
        "budgets": _budgets(svc.settings, watches),
        "alerts": _alerts(svc.settings, watches),
        # Jobs waiting, and jobs that failed 5 times (DLQ): is Tidings keeping up?
        "queues": {"poll": svc.poll_queue.depths(), "ingest": svc.ingest_queue.depths()},
    }


def _budgets(settings: Settings, watches: list[Watch]) -> list[dict[str, Any]]:
    """Use of the YouTube daily quota and each watch's X monthly reads."""
    from chalicelib.sources.access import budget_report, default_budgets

    return budget_report(watches, settings, default_budgets(), datetime.now(UTC))


def _alerts(settings: Settings, watches: list[Watch]) -> dict[str, Any]:
    """Alert targets in use that answered "gone" (a deleted Slack webhook or channel): not
    retried until the URL or channel is replaced; and whether digests have a sender."""
    from chalicelib.notify.digest_sender import digest_sender_status
    from chalicelib.notify.wiring import senders
    from chalicelib.store.alerts import DynamoGoneTargets

    channels = senders(settings)
    in_use: dict[str, list[str]] = {}
    for watch in watches:
        for sender in channels.values():
            target = sender.target(watch)
            if target:
                in_use.setdefault(target, []).append(watch.id)
    gone = [
        {**g, "watches": in_use[g["target"]]}
        for g in DynamoGoneTargets().all()
        if g["target"] in in_use
    ]
    return {"ok": not gone, "gone": gone, "digest_sender": digest_sender_status(settings)}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
