"""POST /slack/interactions: Slack's buttons (Mark handled, Ignore) set a mention's triage
status, after checking Slack's v0 signature and timestamp window."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from chalice.app import Blueprint, Response

from chalicelib.errors import SignatureError, ValidationError
from chalicelib.handlers.http import raw_body
from chalicelib.notify.interactions import parse_interaction
from chalicelib.notify.render import as_slack_handled
from chalicelib.notify.slack_signature import verify_slack
from chalicelib.observability import logger, metrics
from chalicelib.services import services

bp = Blueprint(__name__)
FORM = ["application/x-www-form-urlencoded"]


@bp.route("/slack/interactions", methods=["POST"], content_types=FORM)
def slack_interactions() -> Response:
    from chalicelib.aws.secrets import get_secret

    svc = services()
    headers = bp.current_request.headers
    body = raw_body(bp)
    secret = get_secret(svc.settings.slack_signing_secret_parameter)
    if not secret:
        return _refuse(401, "Slack interactivity is not configured (no signing secret)")
    try:
        verify_slack(
            secret,
            body,
            headers.get("x-slack-request-timestamp"),
            headers.get("x-slack-signature"),
            now=time.time(),
        )
        triage = parse_interaction(body)
    except SignatureError as error:
        return _refuse(401, str(error))
    except ValidationError as error:
        return _refuse(400, str(error))
    if triage is None:
        return Response(body="", status_code=200)
    updated = svc.mentions.set_status(
        triage.watch_id, triage.mention_id, triage.status, f"slack:{triage.user}"
    )
    if updated is None:
        return Response(body={"text": "That mention no longer exists."}, status_code=200)
    metrics.add_metric(name="AlertsTriaged", unit="Count", value=1)
    logger.info("mention triaged from slack", watch_id=triage.watch_id, status=triage.status)
    reply = as_slack_handled(triage.message, triage.status, triage.user)
    if _slack_owned(triage.response_url, svc.settings.slack_api_url):
        import requests  # only this path posts back: the API's cold start does without it

        try:
            requests.post(triage.response_url, json=reply, timeout=5)
        except requests.RequestException as error:
            logger.warning("slack response_url failed", error=type(error).__name__)
    return Response(body="", status_code=200)


def _slack_owned(url: str, api_url: str) -> bool:
    """Only Slack's own hosts (or the configured API host, a stub in tests): a signed payload
    must still not make this function POST anywhere it names."""
    host = urlparse(url).netloc
    return bool(host) and (host == "hooks.slack.com" or host == urlparse(api_url).netloc)


def _refuse(status: int, message: str) -> Response:
    logger.warning("slack interaction refused", status=status, reason=message)
    return Response(body={"error": message}, status_code=status)
