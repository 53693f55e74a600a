"""The schedule tick: plan one poll job per (watch, source) onto the poll queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.planning import plan_polls
from chalicelib.observability import logger, metrics
from chalicelib.services import services

bp = Blueprint(__name__)

POLL_RATE = "rate(5 minutes)"


def plan_now() -> int:
    svc = services()
    jobs = plan_polls(svc.watches.list(), datetime.now(UTC))
    svc.poll_queue.send([job.to_dict() for job in jobs])
    logger.info("polls planned", jobs=len(jobs))
    metrics.add_metric(name="PollsPlanned", unit="Count", value=len(jobs))
    return len(jobs)


@bp.schedule(POLL_RATE, name="plan_polls")
def plan_polls_tick(event: Any) -> None:
    plan_now()
