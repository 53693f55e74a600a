"""Every 15 minutes: finish the mentions of deliveries that died and that no other delivery
will meet again (domain/sweep.py), so a stored mention is never left uncounted and unalerted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.sweep import SweepResult
from chalicelib.observability import logger, metrics
from chalicelib.services import services

bp = Blueprint(__name__)

SWEEP_RATE = "rate(15 minutes)"


def sweep_now(now: datetime | None = None) -> SweepResult:
    """One sweep of the open records past their lease; `now` for the local stack and tests."""
    from chalicelib.domain.sweep import Sweep
    from chalicelib.store.repositories import ABANDONED_UNTIL

    svc = services()
    sweep = Sweep(
        log=svc.opened,
        claims=svc.abandoned,
        counters=svc.counters,
        pipeline=svc.pipeline(),
        lease=timedelta(seconds=svc.settings.claim_lease_s),
        kept=ABANDONED_UNTIL,
    )
    result = sweep.run(now or datetime.now(UTC))
    for recovered in result.recovered:
        logger.warning(
            "abandoned delivery swept",
            abandoned=recovered.abandoned,
            delivery_id=recovered.delivery_id,
            mentions=recovered.mentions,
            counted=recovered.counted,
        )
    logger.info(
        "deliveries swept",
        examined=result.examined,
        swept=len(result.recovered),
        mentions=result.mentions,
    )
    metrics.add_metric(name="DeliveriesExamined", unit="Count", value=result.examined)
    metrics.add_metric(name="DeliveriesSwept", unit="Count", value=len(result.recovered))
    metrics.add_metric(name="MentionsRecovered", unit="Count", value=result.mentions)
    return result


@bp.schedule(SWEEP_RATE, name="sweep_abandoned")
def sweep_tick(event: Any) -> None:
    sweep_now()
