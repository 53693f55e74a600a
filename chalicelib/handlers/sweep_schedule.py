"""Every 15 minutes: finish the mentions of deliveries that died and that no other delivery
will meet again (domain/sweep.py), so a stored mention is never left uncounted and unalerted."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.sweep import SweepResult
from chalicelib.observability import logger, metrics
from chalicelib.services import services

bp = Blueprint(__name__)

SWEEP_RATE = "rate(15 minutes)"
MARGIN_S = 15.0  # left of the invocation for the record being examined and the cursor


def sweep_now(
    now: datetime | None = None, time_left: Callable[[], float] = lambda: math.inf
) -> SweepResult:
    """One sweep of the open records past their lease, for as long as `time_left` (seconds)
    lasts; `now` for the local stack and tests."""
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
    result = sweep.run(now or datetime.now(UTC), time_left)
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
    context = getattr(event, "context", None)
    if context is None:  # not in Lambda: until no record is left
        sweep_now()
        return
    # Page after page until the invocation is near its end; the cursor keeps what was done.
    sweep_now(time_left=lambda: context.get_remaining_time_in_millis() / 1000 - MARGIN_S)
