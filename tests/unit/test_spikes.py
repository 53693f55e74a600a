"""Spike detection: quiet history, seasonal baseline, a real spike, negative share, cool-down."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from chalicelib.domain.alerts.settings import AlertSettings, SpikeSettings
from chalicelib.domain.models import Author, CounterKey, Mention, Watch, WatchMention
from chalicelib.domain.spike_check import SpikeCheck
from chalicelib.domain.spikes import Explanation, Spike, Thresholds, detect, explain
from tests.support.fakes import MemoryCounters, MemoryMentions

NOW = datetime(2026, 11, 23, 9, 40, tzinfo=UTC)  # a Monday, 09:40
HOUR_NOW = NOW.replace(minute=0)
H = timedelta(hours=1)
T = Thresholds()  # defaults: 1-hour window, 4 weeks, 24 recent hours, at least 10 mentions


def _counts(
    per_hour: dict[datetime, int], negative: dict[datetime, int] | None = None
) -> dict[CounterKey, int]:
    counts: Counter[CounterKey] = Counter()
    for hour, n in per_hour.items():
        neg = (negative or {}).get(hour, 0)
        if n - neg:
            counts[CounterKey("acme", hour, "reddit", "neutral")] += n - neg
        if neg:
            counts[CounterKey("acme", hour, "reddit", "negative")] += neg
    return dict(counts)


def _steady(level: int, hours: int = 24 * 35) -> dict[datetime, int]:
    return {HOUR_NOW - k * H: level for k in range(1, hours)}


def test_a_few_mentions_after_a_silent_month_are_not_a_spike() -> None:
    # Given a month without a single mention, then 3 in the current hour
    counts = _counts({HOUR_NOW: 3})
    # When the window is checked
    # Then nothing is reported: too few to be news
    assert detect("acme", counts, NOW, T) == []


def test_two_hundred_mentions_after_a_silent_month_are_a_spike() -> None:
    counts = _counts({HOUR_NOW: 200})
    (spike,) = detect("acme", counts, NOW, T)
    assert spike.kind == "volume"
    assert spike.volume == 200
    assert spike.expected == 0
    assert spike.window_start == HOUR_NOW


def test_a_spike_stands_out_from_a_noisy_but_steady_level() -> None:
    # Given about 20 an hour, give or take, for five weeks
    history = {h: 20 + (h.hour % 5) - 2 for h in _steady(0)}
    # When this hour has 30 it is ordinary noise; when it has 120 it is a spike
    assert detect("acme", _counts({**history, HOUR_NOW: 30}), NOW, T) == []
    (spike,) = detect("acme", _counts({**history, HOUR_NOW: 120}), NOW, T)
    # Then what it is compared with is this hour's usual level (09:00 has about 22)
    assert spike.expected == 22
    assert spike.volume == 120


def test_a_weekly_peak_at_the_same_hour_is_not_a_spike() -> None:
    # Given 5 an hour, except Monday 09:00 when a newsletter brings 150 every week
    history = _steady(5)
    for week in range(1, 5):
        history[HOUR_NOW - timedelta(weeks=week)] = 150
    # When this Monday 09:00 has 160
    # Then the seasonal baseline expects it
    assert detect("acme", _counts({**history, HOUR_NOW: 160}), NOW, T) == []
    # But 160 on a Monday 14:00, with no such habit, is a spike
    later = NOW + 5 * H
    history[HOUR_NOW + 5 * H] = 160
    history[HOUR_NOW] = 150
    spikes = detect("acme", _counts(history), later, T)
    assert [s.kind for s in spikes] == ["volume"]


def test_a_jump_in_the_negative_share_is_a_spike_of_its_own() -> None:
    # Given 30 an hour, a tenth of them negative
    history = _steady(30)
    negative = dict.fromkeys(history, 3)
    # When this hour has its usual 30 but 24 of them negative
    counts = _counts({**history, HOUR_NOW: 30}, {**negative, HOUR_NOW: 24})
    (spike,) = detect("acme", counts, NOW, T)
    # Then a negative-share spike is reported, not a volume spike
    assert spike.kind == "negative_share"
    assert spike.observed == 0.8
    assert round(spike.expected, 2) == 0.1
    # And the usual tenth negative is not
    assert (
        detect("acme", _counts({**history, HOUR_NOW: 30}, {**negative, HOUR_NOW: 4}), NOW, T) == []
    )


def test_thresholds_follow_the_watch_settings() -> None:
    thresholds = Thresholds.of(
        SpikeSettings(window_minutes=120, factor=5, min_volume=50, cooldown_minutes=30)
    )
    assert thresholds.window_hours == 2
    assert thresholds.ratio == 5
    assert thresholds.min_volume == 50
    assert thresholds.cooldown == timedelta(minutes=30)


def _mention(n: int, *, text: str, author: str, negative: bool = False) -> WatchMention:
    mention = Mention(
        source="hackernews" if n % 3 else "reddit",
        native_id=str(n),
        url=f"https://example.com/{n}",
        text=text,
        published_at=HOUR_NOW + timedelta(minutes=n % 40),
        author=Author(handle=author),
        engagement={"likes": n},
    )
    return WatchMention(
        "acme",
        mention,
        "en",
        "negative" if negative else "neutral",
        None,
        ("tidings", "outage") if n % 2 else ("tidings",),
    )


def test_the_explanation_names_terms_sources_authors_and_distinct_examples() -> None:
    spike = Spike("acme", "volume", HOUR_NOW, HOUR_NOW + H, 60, 2, 10, 60, 0)
    items = [_mention(n, text="Tidings is down again", author=f"u{n % 4}") for n in range(60)]
    old = _mention(99, text="old news", author="old")
    items.append(
        WatchMention(
            "acme",
            Mention(**{**old.mention.__dict__, "published_at": HOUR_NOW - H}),
            "en",
            "neutral",
            None,
            (),
        )
    )
    why = explain(spike, items)
    assert why.top_terms[0] == ("tidings", 60)
    assert why.top_terms[1] == ("outage", 30)
    assert dict(why.top_sources) == {"hackernews": 40, "reddit": 20}
    assert len(why.top_authors) == 4
    # one example per story, not per copy
    assert len(why.samples) == 1


class MemoryCooldowns:
    def __init__(self) -> None:
        self.until: dict[str, datetime] = {}

    def acquire(self, scope: str, now: datetime, until: datetime) -> bool:
        if scope in self.until and self.until[scope] > now:
            return False
        self.until[scope] = until
        return True

    def release(self, scope: str) -> None:
        self.until.pop(scope, None)


class RecordingNotifier:
    def __init__(self, accept: bool = True) -> None:
        self.sent: list[tuple[Spike, Explanation]] = []
        self.accept = accept

    def notify(self, watch: Watch, spike: Spike, why: Explanation) -> int:
        if not self.accept:
            return 0
        self.sent.append((spike, why))
        return 1


def _check(notifier: RecordingNotifier) -> tuple[SpikeCheck, MemoryCounters, MemoryMentions]:
    counters, mentions = MemoryCounters(), MemoryMentions()
    check = SpikeCheck(counters, mentions, MemoryCooldowns(), notifier)
    return check, counters, mentions


WATCH = Watch(
    "acme", "Acme", "tidings", alerts=AlertSettings(spike=SpikeSettings(cooldown_minutes=120))
)


def test_one_alert_per_spike_then_quiet_during_the_cool_down() -> None:
    # Given a spike of 200 mentions this hour
    notifier = RecordingNotifier()
    check, counters, mentions = _check(notifier)
    counters.counts.update(_counts({HOUR_NOW: 200}))
    for n in range(50):
        mentions.claim(_mention(n, text=f"story {n % 5}", author="a"), "d", NOW)
    # When the check runs now and again every five minutes for the next hour
    first = check.check(WATCH, NOW)
    later = [check.check(WATCH, NOW + timedelta(minutes=5 * k)) for k in range(1, 12)]
    # Then one explained alert went out
    assert [s.kind for s in first] == ["volume"]
    assert all(not alerted for alerted in later)
    ((spike, why),) = notifier.sent
    assert spike.volume == 200
    assert len(why.samples) == 3
    # And once the cool-down is over, a spike still going on alerts again
    counters.counts.update(_counts({HOUR_NOW + 2 * H: 200}))
    assert check.check(WATCH, NOW + 2 * H + timedelta(minutes=1))


def test_an_alert_no_channel_took_is_tried_again_on_the_next_run() -> None:
    notifier = RecordingNotifier(accept=False)
    check, counters, _ = _check(notifier)
    counters.counts.update(_counts({HOUR_NOW: 200}))
    assert check.check(WATCH, NOW) == []
    notifier.accept = True
    assert len(check.check(WATCH, NOW + timedelta(minutes=5))) == 1
