"""Delivery: one alert per (story, channel) whatever retries or copies, and the crash window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.alerts import AlertSettings
from chalicelib.domain.alerts.flood import Batch, FloodState
from chalicelib.domain.models import Mention, Watch, WatchMention
from chalicelib.domain.query import Span
from chalicelib.errors import TransientError
from chalicelib.notify.delivery import AlertDelivery
from chalicelib.notify.slack import SlackGoneError

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
WATCH = Watch(id="acme", name="Acme", query="Acme", alerts=AlertSettings())


class Flood:
    def __init__(self) -> None:
        self.states: dict[tuple[str, str], FloodState] = {}

    def get(self, watch_id: str, channel: str) -> FloodState:
        return self.states.get((watch_id, channel), FloodState())

    def save(self, watch_id: str, channel: str, state: FloodState) -> bool:
        if self.get(watch_id, channel).version != state.version:
            return False
        self.states[(watch_id, channel)] = FloodState(
            **{**state.__dict__, "version": state.version + 1}
        )
        return True

    def held(self) -> list[tuple[str, str, FloodState]]:
        return [(w, c, s) for (w, c), s in self.states.items() if s.held_count]


class Ledger:
    def __init__(self) -> None:
        self.items: dict[str, tuple[str, datetime]] = {}

    def claim(self, key: str, now: datetime, lease_s: int) -> bool:
        found = self.items.get(key)
        if found and not (found[0] == "sending" and found[1] < now - timedelta(seconds=lease_s)):
            return False
        self.items[key] = ("sending", now)
        return True

    def finish(self, key: str, status: str) -> None:
        self.items[key] = (status, self.items[key][1])

    def release(self, key: str) -> None:
        self.items.pop(key, None)


class Gone:
    def __init__(self) -> None:
        self.targets: dict[str, str] = {}

    def mark(self, target: str, channel: str, reason: str, now: datetime) -> None:
        self.targets[target] = reason

    def reason(self, target: str) -> str | None:
        return self.targets.get(target)

    def all(self) -> list[dict[str, Any]]:
        return [{"target": t, "reason": r} for t, r in self.targets.items()]


class Channel:
    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[str] = []

    def target(self, watch: Watch) -> str | None:
        return "slack:test"

    def send_alert(self, watch: Watch, item: WatchMention, spans: Sequence[Span]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(item.mention.native_id)

    def send_batch(self, watch: Watch, batch: Batch) -> None:
        self.sent.append(f"batch of {batch.count}")


def mention(native_id: str) -> WatchMention:
    return WatchMention(
        watch_id="acme",
        mention=Mention("zap", native_id, "", f"Acme {native_id}", NOW),
        language="en",
        sentiment="neutral",
        sentiment_score=0.0,
        matched_terms=("Acme",),
    )


def delivery(channel: Channel) -> AlertDelivery:
    return AlertDelivery(Flood(), Ledger(), Gone(), {"slack": channel}, lease_s=60)


def test_copies_of_one_story_alert_once() -> None:
    # Given two copies of one story (the lead and a syndicated copy)
    channel = Channel()
    alerts = delivery(channel)

    # When both reach the notifier, and the first is redelivered
    for native_id in ("lead", "copy", "lead"):
        alerts.deliver(WATCH, mention(native_id), "story-1", NOW)

    # Then one alert was sent
    assert channel.sent == ["lead"]


def test_a_failed_post_releases_its_claim_so_the_lambda_retry_sends_it() -> None:
    channel = Channel(TransientError("slack: 503"))
    alerts = delivery(channel)

    with pytest.raises(TransientError):
        alerts.deliver(WATCH, mention("m1"), "", NOW)
    alerts.deliver(WATCH, mention("m1"), "", NOW + timedelta(minutes=1))

    assert channel.sent == ["m1"]


def test_a_crash_mid_delivery_is_skipped_within_the_lease_and_retried_after_it() -> None:
    # Given an invocation that claimed the alert and then died (no finish, no release)
    channel = Channel()
    alerts = delivery(channel)
    key = f"acme:{mention('m1').id}#slack"
    alerts.ledger.claim(key, NOW, 60)

    # When a duplicate arrives within the lease, and Lambda's retry after it
    during = alerts.deliver(WATCH, mention("m1"), "", NOW + timedelta(seconds=30))
    after = alerts.deliver(WATCH, mention("m1"), "", NOW + timedelta(seconds=90))

    # Then only the retry after the lease posts
    assert (during, after) == (["slack:already delivered"], ["slack:sent"])
    assert channel.sent == ["m1"]


def test_a_gone_target_is_remembered_and_never_tried_again() -> None:
    channel = Channel(SlackGoneError("slack: no_service"))
    alerts = delivery(channel)

    first = alerts.deliver(WATCH, mention("m1"), "", NOW)
    second = alerts.deliver(WATCH, mention("m2"), "", NOW)

    assert (first, second) == (["slack:gone"], ["slack:gone"])
    assert channel.sent == []
    assert alerts.gone.all() == [{"target": "slack:test", "reason": "slack: no_service"}]


def test_a_batch_flushes_once_even_if_the_schedule_runs_twice() -> None:
    channel = Channel()
    alerts = delivery(channel)
    for n in range(8):
        alerts.deliver(WATCH, mention(f"m{n}"), "", NOW)

    later = NOW + timedelta(minutes=5)
    sent = alerts.flush({"acme": WATCH}, later) + alerts.flush({"acme": WATCH}, later)

    assert sent == 1
    assert channel.sent == ["m0", "m1", "m2", "m3", "m4", "batch of 3"]


def test_a_retry_long_after_the_lease_posts_nothing_for_a_sent_or_held_alert() -> None:
    # Given one alert sent and, after the window's five, one held for the batch
    channel = Channel()
    alerts = delivery(channel)
    for n in range(6):
        alerts.deliver(WATCH, mention(f"m{n}"), "", NOW)

    # When Lambda retries both invocations minutes later, past the lease and the window
    later = NOW + timedelta(minutes=7)
    retried = [alerts.deliver(WATCH, mention(n), "", later) for n in ("m0", "m5")]

    # Then neither posts again, and the batch still counts the held alert once
    assert retried == [["slack:already delivered"], ["slack:already delivered"]]
    assert alerts.flush({"acme": WATCH}, later) == 1
    assert channel.sent == ["m0", "m1", "m2", "m3", "m4", "batch of 1"]
