"""Powertools prints a metric set as soon as one metric holds 100 values, even with
POWERTOOLS_METRICS_DISABLED (its auto-flush skips the check its flush makes): in a soak's parent
(tens of thousands of webhooks) and workers those JSON lines would bury the summary."""

from __future__ import annotations

from typing import Any


def quiet_metrics() -> None:
    """Drop Tidings' metrics in this process; call after POWERTOOLS_METRICS_DISABLED is set."""
    from aws_lambda_powertools.metrics.functions import is_metrics_disabled

    from chalicelib.observability import metrics

    if is_metrics_disabled():

        def add_metric(*args: Any, **kwargs: Any) -> None:
            return None

        metrics.add_metric = add_metric  # type: ignore[method-assign]
