"""The one Logger and Metrics of the process, so every module logs and counts the same way."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

SERVICE = "tidings"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Tidings", service=SERVICE)


def count_for_source(name: str, source: str, value: float = 1) -> None:
    """A count with its own `source` dimension: EMF dimensions apply to a whole blob, so a
    per-source figure is written as a blob of its own (and not at all when metrics are off)."""
    if is_metrics_disabled():
        return
    with single_metric(
        name=name,
        unit=MetricUnit.Count,
        value=value,
        namespace=metrics.namespace,
        default_dimensions={"source": source},
    ):
        pass  # written when the block closes
