"""Small helpers every API blueprint shares: reading a JSON body, a clear 400."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import BadRequestError, Blueprint

from chalicelib.observability import logger


def invalid(message: str) -> BadRequestError:
    logger.info("request refused", reason=message)
    return BadRequestError(message)


def body_json(bp: Blueprint) -> Any:
    raw = raw_body(bp)
    if not raw:
        raise invalid("the body must be a JSON object")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid(f"the body is not valid JSON: {error}") from error


def query_param(bp: Blueprint, name: str) -> str | None:
    params: Any = bp.current_request.query_params
    value = params.get(name) if params else None
    return str(value) if value is not None else None


def raw_body(bp: Blueprint) -> bytes:
    raw = bp.current_request.raw_body
    return raw.encode() if isinstance(raw, str) else bytes(raw or b"")


def int_param(bp: Blueprint, name: str, default: int, low: int, high: int) -> int:
    raw = query_param(bp, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise invalid(f"{name} must be a whole number") from error
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high}")
    return value
