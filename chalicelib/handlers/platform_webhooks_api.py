"""Webhooks the platforms push: Meta, X Account Activity, YouTube WebSub and Amazon SNS.

The same order everywhere: refuse an oversize body, verify on the raw bytes in constant time,
parse, enqueue each mention for the ingest worker, answer 200. A refused request (401/403
forged, unsigned, stale; 400 malformed; 413 oversize) never reaches the queue. A redelivery is
enqueued again and the pipeline stores and alerts it once: the mention key is the platform's id.
Secrets are read from SSM per request through a 5-minute cache, so rotating one needs no deploy.
Modules that parse or verify are imported inside the routes: a cold start pays for one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response

from chalicelib.errors import PermanentError, SignatureError, TransientError, ValidationError
from chalicelib.handlers.http import raw_body
from chalicelib.observability import logger, metrics
from chalicelib.services import services
from chalicelib.webhooks.hub_signature import Encoding

if TYPE_CHECKING:
    from chalicelib.domain.models import Mention
    from chalicelib.webhooks.outbound import OutboundHttp
    from chalicelib.webhooks.sns_http import SnsVerifier

bp = Blueprint(__name__)

JSON = ["application/json"]
ATOM = ["application/atom+xml", "application/xml", "text/xml"]
SNS = ["text/plain", "application/json"]
INTEGRATION = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _secret(name: str) -> str | None:
    from chalicelib.aws.secrets import get_secret

    return get_secret(name)


def _params() -> dict[str, str]:
    params: Any = bp.current_request.query_params
    return {str(k): str(v) for k, v in (params or {}).items()}


def _header(name: str) -> str | None:
    headers: Any = bp.current_request.headers
    value = headers.get(name)
    return str(value) if value is not None else None


def _body() -> bytes | None:
    """The raw body, or None when it is over the limit (nothing is read into a parser)."""
    body = raw_body(bp)
    return None if len(body) > services().settings.webhook_max_body_bytes else body


def _text(body: str) -> Response:
    """Handshake echoes: the raw value, never JSON-wrapped."""
    return Response(body=body, status_code=200, headers={"Content-Type": "text/plain"})


def _refuse(status: int, message: str, integration: str) -> Response:
    logger.warning("webhook refused", integration=integration, status=status, reason=message)
    metrics.add_metric(name="WebhooksRefused", unit="Count", value=1)
    return Response(body={"error": message}, status_code=status)


def _accept(integration: str, mentions: Sequence[Mention], dropped: Sequence[str]) -> Response:
    from chalicelib.domain.serialise import mention_to_dict

    if mentions:
        services().ingest_queue.send(
            [{"integration": integration, "mention": mention_to_dict(m)} for m in mentions]
        )
    if dropped:
        logger.info("webhook events dropped", integration=integration, events=sorted(set(dropped)))
    logger.info("webhook accepted", integration=integration, mentions=len(mentions))
    metrics.add_metric(name="WebhooksAccepted", unit="Count", value=1)
    return Response(body={"accepted": len(mentions)}, status_code=200)


# Meta: Facebook Pages and Instagram ----------------------------------------------------------


@bp.route("/webhooks/meta", methods=["GET"])
def meta_handshake() -> Response:
    from chalicelib.webhooks.meta import answer_handshake

    token = _secret(services().settings.meta_verify_token_parameter)
    if token is None:
        return _refuse(403, "the Meta webhook is not configured", "meta")
    try:
        return _text(answer_handshake(_params(), token))
    except SignatureError as error:
        return _refuse(403, str(error), "meta")
    except ValidationError as error:
        return _refuse(400, str(error), "meta")


@bp.route("/webhooks/meta", methods=["POST"], content_types=JSON)
def meta_events() -> Response:
    from chalicelib.webhooks import meta

    return _signed_delivery(
        "meta",
        "Meta",
        services().settings.meta_app_secret_parameter,
        meta.SIGNATURE_HEADER,
        meta.parse_delivery,
        encoding="hex",
    )


def _signed_delivery(
    platform: str,
    label: str,
    secret_parameter: str,
    header: str,
    parse: Callable[[bytes], Any],
    *,
    encoding: Encoding,
) -> Response:
    """Meta and X sign a delivery alike: HMAC-SHA256 of the raw body in one header. Size, then
    secret, then signature, then body: each refusal says which, nothing refused is queued."""
    from chalicelib.webhooks import hub_signature

    body = _body()
    if body is None:
        return _refuse(413, "body too large", platform)
    secret = _secret(secret_parameter)
    if secret is None:
        return _refuse(401, f"the {label} webhook is not configured", platform)
    try:
        hub_signature.verify(
            secret, body, _header(header), header_name=header, algorithm="sha256", encoding=encoding
        )
        delivery = parse(body)
    except SignatureError as error:
        return _refuse(401, str(error), platform)
    except ValidationError as error:
        return _refuse(400, str(error), platform)
    return _accept(platform, delivery.mentions, delivery.dropped)


# X Account Activity ----------------------------------------------------------------------------


@bp.route("/webhooks/x", methods=["GET"])
def x_crc() -> Response:
    from chalicelib.webhooks.x_activity import crc_response

    secret = _secret(services().settings.x_consumer_secret_parameter)
    if secret is None:
        return _refuse(401, "the X webhook is not configured", "x")
    try:
        return Response(body=crc_response(secret, _params().get("crc_token", "")), status_code=200)
    except ValidationError as error:
        return _refuse(400, str(error), "x")


@bp.route("/webhooks/x", methods=["POST"], content_types=JSON)
def x_events() -> Response:
    from chalicelib.webhooks import x_activity

    return _signed_delivery(
        "x",
        "X",
        services().settings.x_consumer_secret_parameter,
        x_activity.SIGNATURE_HEADER,
        x_activity.parse_delivery,
        encoding="base64",
    )


# YouTube WebSub ----------------------------------------------------------------------------------


@bp.route("/webhooks/youtube", methods=["GET"])
def youtube_challenge() -> Response:
    from chalicelib.webhooks.websub import answer_challenge, wanted_topics

    params = _params()
    if params.get("hub.mode") == "denied":
        logger.warning("websub subscription denied", reason=params.get("hub.reason", "")[:200])
        return _text("")
    try:
        challenge = answer_challenge(params, wanted_topics(services().watches.list()))
    except SignatureError as error:
        return _refuse(404, str(error), "youtube")  # WebSub: a 4xx tells the hub "not mine"
    except ValidationError as error:
        return _refuse(400, str(error), "youtube")
    logger.info("websub lease confirmed", mode=params.get("hub.mode"))
    return _text(challenge)


@bp.route("/webhooks/youtube", methods=["POST"], content_types=ATOM)
def youtube_notification() -> Response:
    from chalicelib.webhooks import hub_signature, websub

    body = _body()
    if body is None:
        return _refuse(413, "body too large", "youtube")
    svc = services()
    secret = _secret(svc.settings.websub_secret_parameter)
    try:
        if secret is not None:
            hub_signature.verify(
                secret,
                body,
                _header(websub.SIGNATURE_HEADER),
                header_name=websub.SIGNATURE_HEADER,
                algorithm="sha1",
            )
        notification = websub.parse_notification(body)
    except SignatureError as error:
        return _refuse(401, str(error), "youtube")
    except ValidationError as error:
        return _refuse(400, str(error), "youtube")
    mentions = notification.mentions
    if secret is None:
        # Unsigned: only channels we watch, so a stranger cannot inject other videos.
        watched = {t.rsplit("=", 1)[1] for t in websub.wanted_topics(svc.watches.list())}
        mentions = [m for m in mentions if m.author.handle in watched]
    # Unsigned, a tombstone could come from anyone: only a signed one may delete.
    deleted = [v for v in notification.deleted if secret and websub.CHANNEL_ID.fullmatch(v)]
    if len(deleted) < len(notification.deleted):
        logger.info("youtube tombstones ignored", count=len(notification.deleted) - len(deleted))
    if deleted:  # the ingest worker marks each stored mention of the video deleted
        svc.ingest_queue.send(
            [
                {"integration": "youtube", "deleted": {"source": "youtube", "native_id": v}}
                for v in deleted
            ]
        )
        logger.info("youtube videos deleted", count=len(deleted))
    return _accept("youtube", mentions, [])


# Amazon SNS over HTTP(S) ------------------------------------------------------------------------


@cache
def outbound() -> OutboundHttp:
    from chalicelib.webhooks.outbound import OutboundHttp

    return OutboundHttp(services().settings.http_timeout_s)


@cache
def sns_verifier() -> SnsVerifier:
    """Production pins: HTTPS, `sns.<region>.amazonaws.com`. Tests replace this function."""
    from chalicelib.webhooks.sns_http import SnsVerifier

    return SnsVerifier(outbound().get)


@bp.route("/webhooks/sns/{integration}", methods=["POST"], content_types=SNS)
def sns_message(integration: str) -> Response:
    from chalicelib.webhooks import sns_http

    body = _body()
    if body is None:
        return _refuse(413, "body too large", integration)
    name = f"sns-{integration}"[:64]
    known = INTEGRATION.fullmatch(integration)
    topic = _secret(services().settings.sns_topic_arn_parameter(integration)) if known else None
    if topic is None:
        return _refuse(401, "unknown integration", name)
    if (_header("x-amz-sns-rawdelivery") or "").lower() == "true":
        return _refuse(401, "raw message delivery is unsigned: turn it off", name)
    verifier = sns_verifier()
    try:
        message = verifier.verify(sns_http.parse_envelope(body), topic, datetime.now(UTC))
        if message.type == "SubscriptionConfirmation":
            verifier.check_url(message.subscribe_url, certificate=False)
            return _confirm(message.subscribe_url, name)
        if message.type == "UnsubscribeConfirmation":
            logger.info("sns subscription ended", integration=name)
            return Response(body={"accepted": 0}, status_code=200)
        mention = sns_http.to_mention(message, integration)
    except sns_http.TopicNotAllowedError as error:
        return _refuse(403, str(error), name)
    except (SignatureError, PermanentError) as error:
        return _refuse(401, str(error), name)
    except ValidationError as error:
        return _refuse(400, str(error), name)
    except TransientError as error:
        return _refuse(503, str(error), name)  # SNS retries: the certificate host was down
    return _accept(name, [mention], [])


def _confirm(subscribe_url: str, integration: str) -> Response:
    """GET the SubscribeURL of a verified confirmation; SNS sends it again if this fails."""
    try:
        outbound().get(subscribe_url)
    except (TransientError, PermanentError) as error:
        return _refuse(502, f"could not confirm the subscription: {error}", integration)
    logger.info("sns subscription confirmed", integration=integration)
    return Response(body={"confirmed": True}, status_code=200)
