"""Who is calling: every route but health, the OpenAPI document, the dashboard's static files
and the platform webhooks (which verify their own signatures) needs an API key
(`Authorization: Bearer tdg_...` or `X-Api-Key`) or a request API Gateway authenticated with
IAM (SigV4: the request context names the caller's ARN). A Chalice HTTP middleware, so no
route can forget it; the caller's name (the key's name, or the ARN) is the triage actor."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from chalice.app import Request, Response

from chalicelib.observability import logger, metrics

PUBLIC_PATHS = frozenset({"/", "/health", "/openapi.json", "/slack/interactions"})
PUBLIC_PREFIXES = ("/webhooks/", "/dashboard")
MISSING = (
    "an API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>' "
    "(create one with `tidings keys create NAME`)"
)
REFUSED = "the API key is unknown or revoked"
MALFORMED = "the API key is malformed: it looks like tdg_<id>_<secret>"

_actor: ContextVar[str] = ContextVar("tidings_actor", default="api")


def current_actor() -> str:
    """The caller of the request being handled: an API key's name or an IAM ARN."""
    return _actor.get()


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def presented_key(headers: Any) -> str | None:
    authorization = str(headers.get("authorization") or "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = headers.get("x-api-key")
    return str(key).strip() if key else None


def iam_caller(context: Any) -> str | None:
    identity = (context or {}).get("identity") or {}
    arn = identity.get("userArn")
    return str(arn) if arn else None


def authenticate(headers: Any, context: Any) -> tuple[str | None, str]:
    """(the caller's name, "") or (None, why it is refused)."""
    from chalicelib.domain.api_keys import parse_key, secret_matches
    from chalicelib.services import services

    arn = iam_caller(context)
    if arn:
        return arn, ""
    key = presented_key(headers)
    if key is None:
        return None, MISSING
    parsed = parse_key(key)
    if parsed is None:
        return None, MALFORMED
    key_id, secret = parsed
    stored = services().api_keys.get(key_id)
    if stored is None or not secret_matches(stored, secret):
        return None, REFUSED
    return stored.name, ""


def require_api_key(event: Request, get_response: Callable[[Request], Response]) -> Response:
    path = str((event.context or {}).get("resourcePath") or event.path)
    if event.method == "OPTIONS" or is_public(path):
        return get_response(event)
    actor, reason = authenticate(event.headers, event.context)
    if actor is None:
        logger.info("request unauthenticated", path=path, reason=reason)
        metrics.add_metric(name="ApiRequestsRefused", unit="Count", value=1)
        return Response(
            body={"Code": "UnauthorizedError", "Message": reason},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="tidings"'},
        )
    token = _actor.set(actor)
    try:
        return get_response(event)
    finally:
        _actor.reset(token)
