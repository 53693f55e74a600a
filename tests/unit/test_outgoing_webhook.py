"""The outgoing webhook: signed like the inbound one, retried on 5xx/429, refused 4xx reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from chalicelib.domain.alerts.flood import Batch, Held
from chalicelib.domain.alerts.settings import AlertSettings
from chalicelib.domain.models import Author, Mention, Watch, WatchMention
from chalicelib.errors import PermanentError, TransientError
from chalicelib.notify.webhook import WebhookSender, WebhookSink
from chalicelib.webhooks.signing import verify
from tests.support.http_stub import HttpStub, Reply

SECRET = "hook-secret"
NOW = 1_800_000_000


@pytest.fixture
def receiver() -> Iterator[HttpStub]:
    with HttpStub() as stub:
        yield stub


def _item() -> WatchMention:
    mention = Mention(
        source="hackernews",
        native_id="42",
        url="https://news.ycombinator.com/item?id=42",
        text="Tidings lost my data",
        published_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        author=Author(handle="pg"),
    )
    return WatchMention("acme", mention, "en", "negative", -0.8, ("tidings",))


def _sink(stub: HttpStub, sleeps: list[float]) -> WebhookSink:
    return WebhookSink(
        stub.url("/hook"), SECRET, sleep=sleeps.append, clock=lambda: NOW, backoff_s=0.5
    )


def test_a_mention_arrives_signed_and_the_receiver_can_verify_it(receiver: HttpStub) -> None:
    # Given a receiver that accepts
    receiver.serve("/hook", Reply(204))
    # When an alert is sent
    _sink(receiver, []).send(_item())
    # Then one POST arrives whose signature checks out with the shared secret
    (request,) = receiver.requests_to("/hook")
    verify(
        SECRET,
        request.body,
        request.headers.get("x-tidings-timestamp"),
        request.headers.get("x-tidings-signature"),
        now=NOW,
        max_age_s=300,
    )
    body = json.loads(request.body)
    assert body["event"] == "mention"
    assert body["mention"]["watch_id"] == "acme"
    assert body["mention"]["sentiment"] == "negative"
    assert request.headers["x-tidings-event"] == "mention"


def test_5xx_and_429_are_retried_with_backoff_until_delivered(receiver: HttpStub) -> None:
    # Given a receiver that fails twice, then accepts
    receiver.serve("/hook", Reply(503), Reply(429, headers={"Retry-After": "2"}), Reply(200))
    sleeps: list[float] = []
    # When an alert is sent
    _sink(receiver, sleeps).send(_item())
    # Then it was delivered on the third attempt, after growing waits (Retry-After honoured)
    assert len(receiver.requests_to("/hook")) == 3
    assert sleeps == [0.5, 2.0]


def test_a_receiver_that_keeps_failing_leaves_a_transient_error_for_the_queue(
    receiver: HttpStub,
) -> None:
    receiver.serve("/hook", Reply(500))
    with pytest.raises(TransientError):
        _sink(receiver, []).send(_item())
    assert len(receiver.requests_to("/hook")) == 3


def test_a_refusing_receiver_is_reported_and_not_retried(receiver: HttpStub) -> None:
    receiver.serve("/hook", Reply(410, "gone"))
    with pytest.raises(PermanentError, match="410"):
        _sink(receiver, []).send(_item())
    assert len(receiver.requests_to("/hook")) == 1


def test_a_spike_event_carries_its_own_payload(receiver: HttpStub) -> None:
    receiver.serve("/hook", Reply(200))
    _sink(receiver, []).send_event("spike", {"spike": {"kind": "volume", "volume": 200}})
    (request,) = receiver.requests_to("/hook")
    assert json.loads(request.body) == {
        "event": "spike",
        "spike": {"kind": "volume", "volume": 200},
    }


def _watch(url: str, parameter: str = "/t/hook") -> Watch:
    return Watch(
        "acme",
        "Acme",
        "tidings",
        alerts=AlertSettings(webhook_url=url, webhook_secret_parameter=parameter),
    )


def test_the_webhook_channel_is_off_until_a_watch_names_its_url_and_secret() -> None:
    sender = WebhookSender({"/t/hook": SECRET}.get)
    assert sender.target(_watch("")) is None
    assert sender.target(_watch("https://hooks.example/x", parameter="")) is None
    assert sender.target(_watch("https://hooks.example/x")) is not None


def test_the_webhook_channel_sends_rule_alerts_and_batches(receiver: HttpStub) -> None:
    # Given a watch whose rules send to its webhook
    receiver.serve("/hook", Reply(200))
    sender = WebhookSender({"/t/hook": SECRET}.get, sleep=lambda _: None)
    watch = _watch(receiver.url("/hook"))
    # When the delivery sends one alert, then a batch of the flood that followed
    sender.send_alert(watch, _item(), ())
    batch = Batch(
        count=14,
        since=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
        minutes=5,
        top=(Held("a1", "[acme] someone on reddit: Tidings is down", "https://r.example/1"),),
        catch_up=False,
    )
    sender.send_batch(watch, batch)
    # Then the receiver got both, the batch summarised
    first, second = (json.loads(r.body) for r in receiver.requests_to("/hook"))
    assert first["event"] == "mention"
    assert second["event"] == "batch"
    assert second["summary"] == "14 new mentions of Acme in 5 minutes"
    assert second["top"][0]["url"] == "https://r.example/1"


def test_a_watch_whose_secret_is_missing_is_reported_not_retried() -> None:
    sender = WebhookSender({}.get)
    with pytest.raises(PermanentError, match="no URL or no secret"):
        sender.send_alert(_watch("https://hooks.example/x"), _item(), ())
