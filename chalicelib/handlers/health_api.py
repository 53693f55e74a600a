"""REST: is Tidings alive, and is each source of each watch still listening?"""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.services import services

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
                    "ok": cursor.last_error is None,
                }
            )
    return {
        "status": "ok",
        "stage": svc.settings.stage,
        "watches": len(watches),
        "sources": sources,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
