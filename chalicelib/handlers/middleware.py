"""Around every invocation: structured log context in, metrics out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.observability import logger, metrics


def observe(event: Any, get_response: Callable[[Any], Any]) -> Any:
    context = getattr(event, "context", None) or getattr(
        getattr(event, "lambda_context", None), "aws_request_id", None
    )
    request_id = getattr(context, "aws_request_id", None) if context is not None else None
    logger.append_keys(request_id=request_id, event=type(event).__name__)
    try:
        return get_response(event)
    finally:
        if metrics.metric_set:
            metrics.flush_metrics()
        logger.remove_keys(["request_id", "event"])
