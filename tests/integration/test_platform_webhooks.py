"""The platforms' webhooks against DynamoDB Local and moto's server: handshakes answered,
signed deliveries stored and alerted once however often they arrive, and every forged,
unsigned, stale, replayed, oversize or malformed request refused with nothing stored."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from chalice.test import Client

from chalicelib import services
from chalicelib.handlers import platform_webhooks_api
from chalicelib.handlers.websub_schedule import renew_subscriptions
from chalicelib.local.config import LocalConfig
from chalicelib.local.ports import free_port
from chalicelib.local.stack import LocalStack
from chalicelib.webhooks.hub_signature import digest
from chalicelib.webhooks.sns_http import SnsVerifier
from chalicelib.webhooks.websub import topic_for
from tests.support.http_stub import HttpStub, Reply
from tests.support.slack_stub import SlackStub
from tests.support.sns_signer import TOPIC, SnsSigner

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
META_SECRET, META_TOKEN, X_SECRET, WEBSUB_SECRET = "meta-app", "meta-tok", "x-consumer", "hub-s"
PAGE_FEED = (FIXTURES / "meta" / "page_feed_dashboard_test_delivery.json").read_bytes()
YOUTUBE = (FIXTURES / "youtube" / "websub_notification_google_docs_example.xml").read_bytes()
OVERSIZE = b'{"pad": "' + b"x" * 262_144 + b'"}'
X_EVENTS = json.dumps(
    {
        "for_user_id": "2244994945",
        "tweet_create_events": [
            {
                "id_str": "1861000000000000001",
                "text": "@acme checkout is broken again",
                "created_at": "Sat Nov 21 10:00:00 +0000 2026",
                "user": {
                    "id_str": "42",
                    "screen_name": "dana",
                    "name": "Dana",
                    "followers_count": 5400,
                },
            }
        ],
        "favorite_events": [{"id": "1"}],
    }
).encode()


@pytest.fixture
def configured(stack: LocalStack) -> LocalStack:
    """The stack with every platform's secret in SSM, loaded as `tidings up` loads them."""
    stack.configure(
        LocalConfig(
            watches=(),
            platform_webhooks={
                "meta": {"app_secret": META_SECRET, "verify_token": META_TOKEN},
                "x": {"consumer_secret": X_SECRET},
                "youtube": {"websub_secret": WEBSUB_SECRET},
                "sns": {"fwd": TOPIC},
            },
        )
    )
    return stack


def create_watch(api: Client, **fields: Any) -> None:
    response = api.http.post(
        "/watches", headers={"Content-Type": "application/json"}, body=json.dumps(fields)
    )
    assert response.status_code == 201, response.body


def feed(api: Client, watch_id: str) -> list[tuple[str, str]]:
    items = json.loads(api.http.get(f"/watches/{watch_id}/mentions").body)["items"]
    return [(i["source"], i["native_id"]) for i in items]


def meta_headers(body: bytes, secret: str = META_SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": digest(secret, body, "sha256"),
    }


def x_headers(body: bytes, secret: str = X_SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "x-twitter-webhooks-signature": digest(secret, body, "sha256", "base64"),
    }


def youtube_headers(body: bytes, secret: str = WEBSUB_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/atom+xml", "X-Hub-Signature": digest(secret, body, "sha1")}


# Meta -------------------------------------------------------------------------------------------


def test_meta_handshake_echoes_the_challenge_as_plain_text(
    configured: LocalStack, api: Client
) -> None:
    ok = api.http.get(
        f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={META_TOKEN}&hub.challenge=1158201444"
    )
    wrong = api.http.get("/webhooks/meta?hub.mode=subscribe&hub.verify_token=no&hub.challenge=1")

    assert (ok.status_code, ok.body, ok.headers["Content-Type"]) == (
        200,
        b"1158201444",
        "text/plain",
    )
    assert wrong.status_code == 403


def test_a_meta_delivery_sent_twice_is_stored_and_alerted_once(
    configured: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="pages", query="example")

    first = api.http.post("/webhooks/meta", headers=meta_headers(PAGE_FEED), body=PAGE_FEED)
    second = api.http.post("/webhooks/meta", headers=meta_headers(PAGE_FEED), body=PAGE_FEED)
    configured.drain()

    assert (first.status_code, second.status_code) == (200, 200)
    assert feed(api, "pages") == [("facebook", "44444444_444444444")]
    assert slack.texts() == ["[pages] Test Page on facebook: Example post content."]


def test_every_change_of_a_meta_batch_is_stored_and_likes_are_dropped(
    configured: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "1784",
                    "time": 1763719200,
                    "changes": [
                        {
                            "field": "comments",
                            "value": {
                                "id": "c1",
                                "text": "Acme is great",
                                "from": {"id": "3", "username": "kim"},
                            },
                        },
                        {
                            "field": "comments",
                            "value": {
                                "id": "c2",
                                "text": "love acme",
                                "from": {"id": "4", "username": "lee"},
                            },
                        },
                        {"field": "likes", "value": {"media_id": "9"}},
                    ],
                },
            ],
        }
    ).encode()

    response = api.http.post("/webhooks/meta", headers=meta_headers(body), body=body)
    configured.drain()

    assert json.loads(response.body) == {"accepted": 2}
    assert sorted(feed(api, "acme")) == [("instagram", "c1"), ("instagram", "c2")]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({**meta_headers(PAGE_FEED), "X-Hub-Signature-256": "sha256=" + "0" * 64}, PAGE_FEED, 401),
        (meta_headers(PAGE_FEED, secret="wrong"), PAGE_FEED, 401),
        ({"Content-Type": "application/json"}, PAGE_FEED, 401),
        (meta_headers(b'{"object": "page", "entry": ['), b'{"object": "page", "entry": [', 400),
        (meta_headers(OVERSIZE), OVERSIZE, 413),
    ],
    ids=["forged", "wrong-secret", "missing-header", "malformed", "oversize"],
)
def test_a_bad_meta_delivery_is_refused_and_nothing_is_stored(
    configured: LocalStack, api: Client, headers: dict[str, str], body: bytes, status: int
) -> None:
    create_watch(api, id="pages", query="example")

    response = api.http.post("/webhooks/meta", headers=headers, body=body)

    assert response.status_code == status
    assert configured.drain() == 0
    assert feed(api, "pages") == []


# X Account Activity -----------------------------------------------------------------------------


def test_x_crc_and_a_delivery_sent_twice_over_real_http(
    configured: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query="Acme")
    base = configured.serve_api(free_port())

    crc = requests.get(f"{base}/webhooks/x", params={"crc_token": "tok-1"}, timeout=10)
    posts = [
        requests.post(f"{base}/webhooks/x", data=X_EVENTS, headers=x_headers(X_EVENTS), timeout=10)
        for _ in range(2)
    ]
    configured.drain()

    assert crc.json() == {"response_token": digest(X_SECRET, b"tok-1", "sha256", "base64")}
    assert [p.status_code for p in posts] == [200, 200]
    assert feed(api, "acme") == [("x", "1861000000000000001")]
    assert slack.texts() == ["[acme] Dana (5,400 followers) on x: @acme checkout is broken again"]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        (x_headers(X_EVENTS, secret="wrong"), X_EVENTS, 401),
        ({"Content-Type": "application/json"}, X_EVENTS, 401),
        ({**x_headers(X_EVENTS), "x-twitter-webhooks-signature": "sha256=AAAA"}, X_EVENTS, 401),
        (x_headers(b"{"), b"{", 400),
        (x_headers(OVERSIZE), OVERSIZE, 413),
    ],
    ids=["wrong-secret", "missing-header", "forged", "malformed", "oversize"],
)
def test_a_bad_x_delivery_is_refused_and_nothing_is_stored(
    configured: LocalStack, api: Client, headers: dict[str, str], body: bytes, status: int
) -> None:
    create_watch(api, id="acme", query="Acme")

    response = api.http.post("/webhooks/x", headers=headers, body=body)

    assert response.status_code == status
    assert configured.drain() == 0
    assert feed(api, "acme") == []


# YouTube WebSub ---------------------------------------------------------------------------------


def test_the_hub_challenge_is_answered_only_for_watched_channels(
    configured: LocalStack, api: Client
) -> None:
    create_watch(
        api, id="vids", query="video", sources=[{"kind": "youtube_channel", "target": "CHANNEL_ID"}]
    )

    def challenge(channel: str) -> Any:
        topic = requests.utils.quote(topic_for(channel), safe="")
        return api.http.get(
            f"/webhooks/youtube?hub.mode=subscribe&hub.topic={topic}&hub.challenge=c-7"
        )

    watched, stranger = challenge("CHANNEL_ID"), challenge("UCsomeoneelse")

    assert (watched.status_code, watched.body) == (200, b"c-7")
    assert stranger.status_code == 404


def test_a_youtube_notification_sent_twice_is_stored_once_and_a_tombstone_stores_nothing(
    configured: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(
        api, id="vids", query="video", sources=[{"kind": "youtube_channel", "target": "CHANNEL_ID"}]
    )
    tombstone = (
        b'<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" '
        b'xmlns="http://www.w3.org/2005/Atom"><at:deleted-entry ref="yt:video:VIDEO_ID" '
        b'when="2026-11-21T10:00:00+00:00"/></feed>'
    )

    answers = [
        api.http.post("/webhooks/youtube", headers=youtube_headers(b), body=b)
        for b in (YOUTUBE, YOUTUBE, tombstone)
    ]
    configured.drain()

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert feed(api, "vids") == [("youtube", "VIDEO_ID")]
    assert slack.texts() == ["[vids] Channel title on youtube: Video title"]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        (youtube_headers(YOUTUBE, secret="wrong"), YOUTUBE, 401),
        ({"Content-Type": "application/atom+xml"}, YOUTUBE, 401),
        (youtube_headers(b"<feed"), b"<feed", 400),
        (youtube_headers(OVERSIZE), OVERSIZE, 413),
    ],
    ids=["wrong-secret", "unsigned", "malformed", "oversize"],
)
def test_a_bad_youtube_notification_is_refused_and_nothing_is_stored(
    configured: LocalStack, api: Client, headers: dict[str, str], body: bytes, status: int
) -> None:
    create_watch(
        api, id="vids", query="video", sources=[{"kind": "youtube_channel", "target": "CHANNEL_ID"}]
    )

    response = api.http.post("/webhooks/youtube", headers=headers, body=body)

    assert response.status_code == status
    assert configured.drain() == 0
    assert feed(api, "vids") == []


@pytest.fixture
def hub(configured: LocalStack, platform: HttpStub, monkeypatch: pytest.MonkeyPatch) -> HttpStub:
    """The WebSub hub is the platform stub; our public URL is made up (the hub never calls it)."""
    monkeypatch.setenv("TIDINGS_WEBSUB_HUB_URL", platform.url("/subscribe"))
    monkeypatch.setenv("TIDINGS_PUBLIC_BASE_URL", "https://tidings.example.com/api/")
    services.reset()
    # Rebuilt here, not on the first request: chalice's test Client runs each request with the
    # stage's environment from .chalice/config.json (TIDINGS_STAGE=dev), not the stack's.
    services.services()
    return platform


def test_the_schedule_subscribes_each_watched_channel_and_a_failing_hub_is_reported(
    configured: LocalStack, api: Client, hub: HttpStub
) -> None:
    create_watch(api, id="a", query="x", sources=[{"kind": "youtube_channel", "target": "UCaaa"}])
    create_watch(api, id="b", query="y", sources=[{"kind": "youtube_channel", "target": "UCbbb"}])
    hub.serve("/subscribe", Reply(202), Reply(503, "Transient error"))

    renewal = renew_subscriptions()

    forms = [dict(parse_qsl(r.body.decode())) for r in hub.requests_to("/subscribe")]
    assert [f["hub.topic"] for f in forms] == [topic_for("UCaaa"), topic_for("UCbbb")]
    assert forms[0] == {
        "hub.mode": "subscribe",
        "hub.topic": topic_for("UCaaa"),
        "hub.callback": "https://tidings.example.com/api/webhooks/youtube",
        "hub.lease_seconds": "432000",
        "hub.verify": "async",
        "hub.secret": WEBSUB_SECRET,
    }
    assert (renewal.subscribed, renewal.failed) == ([topic_for("UCaaa")], [topic_for("UCbbb")])


# Amazon SNS -------------------------------------------------------------------------------------


@pytest.fixture
def sns(configured: LocalStack, platform: HttpStub, monkeypatch: pytest.MonkeyPatch) -> SnsSigner:
    """A throwaway SNS key; its certificate and SubscribeURL served on 127.0.0.1, which only the
    verifier's test seam accepts (production pins HTTPS on sns.<region>.amazonaws.com)."""
    signer = SnsSigner(platform.url("/SimpleNotificationService-test.pem"))
    platform.serve("/SimpleNotificationService-test.pem", Reply(200, signer.pem))
    platform.serve("/confirm", Reply(200, "<ConfirmSubscriptionResponse/>"))
    local = SnsVerifier(
        platform_webhooks_api.outbound().get,
        cert_host=re.compile(r"127\.0\.0\.1"),
        require_https=False,
    )
    monkeypatch.setattr(platform_webhooks_api, "sns_verifier", lambda: local)
    return signer


SNS_HEADERS = {
    "Content-Type": "text/plain; charset=UTF-8",
    "x-amz-sns-message-type": "Notification",
}


def test_an_sns_subscription_is_confirmed_after_its_signature_checks_out(
    sns: SnsSigner, api: Client, platform: HttpStub
) -> None:
    data = sns.message(
        "SubscriptionConfirmation",
        message="You have chosen to subscribe.",
        Token="tok",
        SubscribeURL=platform.url("/confirm") + "?Action=ConfirmSubscription&Token=tok",
    )

    response = api.http.post("/webhooks/sns/fwd", headers=SNS_HEADERS, body=SnsSigner.body(data))

    assert response.status_code == 200
    assert [r.query["Token"] for r in platform.requests_to("/confirm")] == ["tok"]


def test_an_sns_notification_sent_twice_over_real_http_is_stored_and_alerted_once(
    sns: SnsSigner, configured: LocalStack, api: Client, slack: SlackStub, platform: HttpStub
) -> None:
    create_watch(api, id="acme", query="Acme")
    base = configured.serve_api(free_port())
    body = SnsSigner.body(sns.message(message="Acme outage in eu-west-1", Subject="Forwarded"))

    answers = [
        requests.post(f"{base}/webhooks/sns/fwd", data=body, headers=SNS_HEADERS, timeout=10)
        for _ in range(2)
    ]
    configured.drain()

    assert [a.status_code for a in answers] == [200, 200]
    assert [source for source, _ in feed(api, "acme")] == ["fwd"]
    assert slack.texts() == ["[acme] someone on fwd: Forwarded"]
    assert len(platform.requests_to("/SimpleNotificationService-test.pem")) == 1  # cached


def sns_case(signer: SnsSigner, case: str) -> tuple[bytes, dict[str, str], str, int]:
    """(body, headers, integration, expected status) for one bad request."""
    good = signer.message(message="Acme is down")
    bodies: dict[str, tuple[Any, str, int]] = {
        "forged": ({**good, "Message": "Acme is up"}, "fwd", 401),
        "wrong-key": (SnsSigner(signer.cert_url).message(message="Acme is down"), "fwd", 401),
        "unsigned": ({k: v for k, v in good.items() if k != "Signature"}, "fwd", 401),
        "stale": (signer.message(timestamp=datetime.now(UTC) - timedelta(hours=2)), "fwd", 401),
        "other-topic": (signer.message(topic=TOPIC + "-other"), "fwd", 403),
        "unknown-integration": (good, "nope", 401),
        "pinned-host": ({**good, "SigningCertURL": "http://evil.example/c.pem"}, "fwd", 401),
        "malformed": (b'{"Type": "Notification", ', "fwd", 400),
        "oversize": (OVERSIZE, "fwd", 413),
    }
    data, integration, status = bodies[case]
    body = data if isinstance(data, bytes) else SnsSigner.body(data)
    return body, SNS_HEADERS, integration, status


@pytest.mark.parametrize(
    "case",
    [
        "forged",
        "wrong-key",
        "unsigned",
        "stale",
        "other-topic",
        "unknown-integration",
        "pinned-host",
        "malformed",
        "oversize",
    ],
)
def test_a_bad_sns_message_is_refused_and_nothing_is_stored(
    sns: SnsSigner, configured: LocalStack, api: Client, case: str
) -> None:
    create_watch(api, id="acme", query="Acme")
    body, headers, integration, status = sns_case(sns, case)

    response = api.http.post(f"/webhooks/sns/{integration}", headers=headers, body=body)

    assert response.status_code == status
    assert configured.drain() == 0
    assert feed(api, "acme") == []


def test_a_replayed_sns_notification_is_stored_once(
    sns: SnsSigner, configured: LocalStack, api: Client
) -> None:
    create_watch(api, id="acme", query="Acme")
    body = SnsSigner.body(sns.message(message="Acme refund was quick"))

    for _ in range(3):
        assert api.http.post("/webhooks/sns/fwd", headers=SNS_HEADERS, body=body).status_code == 200
        configured.drain()

    assert len(feed(api, "acme")) == 1
