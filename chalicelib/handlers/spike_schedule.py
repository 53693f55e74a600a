"""Every five minutes: check each watch with spike alerts on for a spike, and alert once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalice.app import Blueprint

from chalicelib.errors import TidingsError
from chalicelib.observability import logger
from chalicelib.services import services

bp = Blueprint(__name__)


def check_spikes(now: datetime | None = None) -> int:
    """Check every enabled watch; return how many spike alerts went out. One failing watch is
    logged and does not keep the others from being checked."""
    from chalicelib.aws.secrets import get_secret
    from chalicelib.domain.spike_check import SpikeCheck
    from chalicelib.notify.spike_channels import SpikeChannels
    from chalicelib.store.cooldowns import DynamoCooldowns

    svc = services()
    at = now or datetime.now(UTC)
    check = SpikeCheck(
        counters=svc.counters,
        mentions=svc.mentions,
        cooldowns=DynamoCooldowns(),
        notifier=SpikeChannels(svc.settings, get_secret),
    )
    alerted = 0
    for watch in svc.watches.list():
        if not (watch.enabled and watch.alerts.spike.enabled):
            continue
        try:
            alerted += len(check.check(watch, at))
        except TidingsError as error:
            logger.error("spike check failed", watch_id=watch.id, error=str(error))
    return alerted


@bp.schedule("rate(5 minutes)", name="spike_check")
def spike_check(event: Any) -> None:
    check_spikes()
