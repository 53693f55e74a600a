"""The notifier: subscribed to the mentions topic, it runs the watch's alert rules and delivers
through flood control to Slack, email (the alert-email topic) and the outgoing webhook; a
schedule flushes the batches that are due, every minute."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.serialise import watch_mention_from_dict
from chalicelib.errors import PermanentError
from chalicelib.observability import logger, metrics
from chalicelib.services import services
from chalicelib.settings import get_settings

bp = Blueprint(__name__)


def deliver(message: str, now: datetime | None = None) -> list[str]:
    """One new mention: the unthrottled sinks (console), then the rules' channels."""
    from chalicelib.notify.wiring import alert_delivery

    body = json.loads(message)
    item = watch_mention_from_dict(body)
    svc = services()
    for sink in svc.alert_sinks():
        try:
            sink.send(item)
        except PermanentError as error:
            logger.error("alert not deliverable", sink=type(sink).__name__, error=str(error))
            metrics.add_metric(name="AlertsUndeliverable", unit="Count", value=1)
    watch = svc.watches.get(item.watch_id)
    if watch is None or not watch.enabled:
        return []
    story = str(body.get("story_id") or "")
    delivery = alert_delivery(svc.settings, email=svc.email_topic)
    return delivery.deliver(watch, item, story, now or datetime.now(UTC))


def flush(now: datetime | None = None) -> int:
    """Send every held batch whose window or quiet hours ended; returns batches sent."""
    from chalicelib.notify.wiring import alert_delivery

    svc = services()
    watches = {w.id: w for w in svc.watches.list()}
    return alert_delivery(svc.settings, email=svc.email_topic).flush(
        watches, now or datetime.now(UTC)
    )


@bp.on_sns_message(topic=get_settings().mentions_topic_name, name="notifier")
def notifier(event: Any) -> None:
    deliver(event.message)


@bp.schedule("rate(1 minute)", name="alert_flush")
def alert_flush(event: Any) -> None:
    flush()
