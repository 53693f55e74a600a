"""The notifier: subscribed to the mentions topic, it delivers each alert to its sinks."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.serialise import watch_mention_from_dict
from chalicelib.errors import PermanentError
from chalicelib.observability import logger, metrics
from chalicelib.services import services
from chalicelib.settings import get_settings

bp = Blueprint(__name__)


def deliver(message: str) -> None:
    item = watch_mention_from_dict(json.loads(message))
    for sink in services().alert_sinks():
        try:
            sink.send(item)
        except PermanentError as error:
            logger.error("alert not deliverable", sink=type(sink).__name__, error=str(error))
            metrics.add_metric(name="AlertsUndeliverable", unit="Count", value=1)
    logger.info("alert delivered", watch_id=item.watch_id, source=item.mention.source)
    metrics.add_metric(name="AlertsSent", unit="Count", value=1)


@bp.on_sns_message(topic=get_settings().mentions_topic_name, name="notifier")
def notifier(event: Any) -> None:
    deliver(event.message)
