"""Every webhook route over HTTP, fed mutated deliveries carrying valid signatures (so they get
past the signature check into the parser): each answer is a 2xx or a clear 4xx with an error
message, never a 5xx. Runs against the local stack (DynamoDB Local, moto's SQS and SSM)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.aws.clients import client as client_for
from chalicelib.domain.models import Watch
from chalicelib.handlers import platform_webhooks_api
from chalicelib.local.config import LocalConfig
from chalicelib.local.provision import put_secret
from chalicelib.local.stack import LocalStack
from chalicelib.notify.slack_signature import slack_sign
from chalicelib.services import services
from chalicelib.webhooks.hub_signature import digest
from chalicelib.webhooks.signing import sign
from chalicelib.webhooks.sns_http import SnsVerifier
from tests.fuzz.mutations import mutated_json, payloads, recorded
from tests.fuzz.samples import GENERIC, SLACK_PAYLOAD, X_DELIVERY
from tests.integration.conftest import WEBHOOK_SECRET
from tests.support.http_stub import HttpStub, Reply
from tests.support.sns_signer import TOPIC, SnsSigner

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

META_SECRET, X_SECRET, WEBSUB_SECRET, SLACK_SECRET = "meta-app", "x-consumer", "hub-s", "slk"
# One stack for every route: starting one takes seconds, a request a few milliseconds.
HTTP = settings(max_examples=settings.default.max_examples)


@pytest.fixture
def client(
    stack: LocalStack, platform: HttpStub, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """A stranger's client on a stack with every platform's secret in SSM."""
    stack.configure(
        LocalConfig(
            watches=(),
            integrations={"zap": WEBHOOK_SECRET},
            platform_webhooks={
                "meta": {"app_secret": META_SECRET, "verify_token": "tok"},
                "x": {"consumer_secret": X_SECRET},
                "youtube": {"websub_secret": WEBSUB_SECRET},
                "sns": {"fwd": TOPIC},
            },
        )
    )
    put_secret(services().settings.slack_signing_secret_parameter, SLACK_SECRET)
    with Client(stack.app) as anonymous:
        yield anonymous


Request = tuple[str, dict[str, str], bytes]  # path, headers, body


def _generic(draw: st.DrawFn) -> Request:
    body = draw(payloads([json.dumps(GENERIC).encode()]))
    now = int(time.time())
    return (
        "/webhooks/generic/zap",
        {
            "Content-Type": "application/json",
            "X-Tidings-Timestamp": str(now),
            "X-Tidings-Signature": sign(WEBHOOK_SECRET, now, body),
        },
        body,
    )


def _meta(draw: st.DrawFn) -> Request:
    body = draw(payloads(recorded("meta")))
    return (
        "/webhooks/meta",
        {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": digest(META_SECRET, body, "sha256"),
        },
        body,
    )


def _x(draw: st.DrawFn) -> Request:
    body = draw(payloads([json.dumps(X_DELIVERY).encode()]))
    return (
        "/webhooks/x",
        {
            "Content-Type": "application/json",
            "x-twitter-webhooks-signature": digest(X_SECRET, body, "sha256", "base64"),
        },
        body,
    )


def _youtube(draw: st.DrawFn) -> Request:
    body = draw(payloads(recorded("youtube")[-1:]))  # the WebSub notification
    return (
        "/webhooks/youtube",
        {
            "Content-Type": "application/atom+xml",
            "X-Hub-Signature": digest(WEBSUB_SECRET, body, "sha1"),
        },
        body,
    )


def _slack(draw: st.DrawFn) -> Request:
    form = mutated_json(SLACK_PAYLOAD).map(lambda p: urlencode({"payload": p}).encode())
    body = draw(st.binary(max_size=200) | form)
    now = int(time.time())
    return (
        "/slack/interactions",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": slack_sign(SLACK_SECRET, now, body),
        },
        body,
    )


def _sns(draw: st.DrawFn, signer: SnsSigner) -> Request:
    generic = mutated_json(GENERIC).map(lambda b: b.decode("utf-8", "surrogatepass"))
    message = draw(st.text(max_size=60) | generic)
    data = signer.message(message=message, Subject=draw(st.text(max_size=20)))
    return (
        "/webhooks/sns/fwd",
        {
            "Content-Type": "text/plain; charset=UTF-8",
            "x-amz-sns-message-type": "Notification",
        },
        SnsSigner.body(data),
    )


# Regressions (each once a worker failing for good, or a 500): the fields and the answer.
EDGES: list[tuple[dict[str, str], int]] = [
    ({"id": "end-of-time", "published_at": "9999-12-31T23:59:59Z"}, 400),
    ({"id": "far-east", "published_at": "9999-12-31T23:59:59-14:00"}, 400),
    ({"id": "early", "published_at": "0001-01-01T00:00:00+14:00"}, 400),
    ({"id": "start-of-time", "published_at": "0001-01-01T00:00:00Z"}, 202),
    ({"id": "\ud800", "text": "acme \udfff broken"}, 202),
]
ROUTES = {"generic": _generic, "meta": _meta, "x": _x, "youtube": _youtube, "slack": _slack}


@pytest.fixture
def signer(client: Client, platform: HttpStub, monkeypatch: pytest.MonkeyPatch) -> SnsSigner:
    """A throwaway SNS whose certificate is served on 127.0.0.1 (the verifier's test seam)."""
    signer = SnsSigner(platform.url("/SimpleNotificationService-test.pem"))
    platform.serve("/SimpleNotificationService-test.pem", Reply(200, signer.pem))
    local = SnsVerifier(
        platform_webhooks_api.outbound().get,
        cert_host=re.compile(r"127\.0\.0\.1"),
        require_https=False,
    )
    monkeypatch.setattr(platform_webhooks_api, "sns_verifier", lambda: local)
    return signer


def test_every_webhook_route_answers_2xx_or_a_clear_4xx_and_the_worker_takes_the_rest(
    stack: LocalStack, client: Client, signer: SnsSigner
) -> None:
    # Given a watch that matches most deliveries' words
    services().watches.put(Watch("all", "All", "acme OR checkout OR broken OR the OR a OR x"))

    @HTTP
    @given(data=st.data())
    def post_one(data: st.DataObject) -> None:
        # Given a mutated delivery to one of the webhook routes, signed with the right secret
        route = data.draw(st.sampled_from([*ROUTES, "sns"]), label="route")
        build = (lambda draw: _sns(draw, signer)) if route == "sns" else ROUTES[route]
        path, headers, body = build(data.draw)
        # When it is posted
        response = client.http.post(path, headers=headers, body=body)
        # Then the answer is a success or a refusal that says why, never a server error
        assert response.status_code < 500, (path, body[:300], response.body)
        if response.status_code >= 400 and response.status_code != 415:  # 415: chalice's own
            assert json.loads(response.body)

    # Edge cases first: the ends of time, a lone surrogate in the id
    for edge, status in EDGES:
        body = json.dumps({**GENERIC, **edge}).encode("utf-8", "surrogatepass")
        now = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Tidings-Timestamp": str(now),
            "X-Tidings-Signature": sign(WEBHOOK_SECRET, now, body),
        }
        answer = client.http.post("/webhooks/generic/zap", headers=headers, body=body)
        assert answer.status_code == status, (edge, answer.body)
    post_one()
    # And every delivery a route accepted goes through the ingest worker without one failing
    assert stack.drain() > 0
    assert _depth(stack, "ApproximateNumberOfMessagesNotVisible") == 0
    assert _depth(stack, "ApproximateNumberOfMessages") == 0


def _depth(stack: LocalStack, attribute: str) -> int:
    assert stack.resources is not None
    url = stack.resources.ingest_queue_url
    answer = client_for("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=[attribute])
    return int(answer["Attributes"][attribute])
