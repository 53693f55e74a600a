"""The generic signed webhook: verify on the raw bytes, validate, enqueue, answer fast."""

from __future__ import annotations

import re
import time
from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.domain.serialise import mention_to_dict
from chalicelib.errors import SignatureError, ValidationError
from chalicelib.handlers.http import raw_body
from chalicelib.observability import logger, metrics
from chalicelib.services import services
from chalicelib.webhooks.generic import parse_mention
from chalicelib.webhooks.signing import verify

bp = Blueprint(__name__)

INTEGRATION = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _refuse(status: int, message: str, integration: str) -> Response:
    logger.warning("webhook refused", integration=integration, status=status, reason=message)
    metrics.add_metric(name="WebhooksRefused", unit="Count", value=1)
    return Response(body={"error": message}, status_code=status)


@bp.route("/webhooks/generic/{integration}", methods=["POST"], content_types=["application/json"])
def generic_webhook(integration: str) -> Response:
    from chalicelib.aws.secrets import get_secret

    svc = services()
    request = bp.current_request
    body = raw_body(bp)
    if len(body) > svc.settings.webhook_max_body_bytes:
        return _refuse(413, "body too large", integration)
    secret = (
        get_secret(svc.settings.webhook_secret_parameter(integration))
        if INTEGRATION.fullmatch(integration)
        else None
    )
    if secret is None:
        return _refuse(401, "unknown integration", integration)
    headers: Any = request.headers
    try:
        verify(
            secret,
            body,
            headers.get("x-tidings-timestamp"),
            headers.get("x-tidings-signature"),
            now=time.time(),
            max_age_s=svc.settings.webhook_max_age_s,
        )
    except SignatureError as error:
        return _refuse(401, str(error), integration)
    try:
        mention = parse_mention(body, integration)
    except ValidationError as error:
        return _refuse(400, str(error), integration)
    svc.ingest_queue.send([{"integration": integration, "mention": mention_to_dict(mention)}])
    logger.info("webhook accepted", integration=integration, source=mention.source)
    metrics.add_metric(name="WebhooksAccepted", unit="Count", value=1)
    return Response(body={"accepted": True, "key": mention.key}, status_code=202)
