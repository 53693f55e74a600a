"""Flood control: a few alerts at once, the rest as one batch; quiet hours; then a catch-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.alerts import FloodSettings
from chalicelib.domain.alerts.flood import FloodState, Held, decide, due, take_batch

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LIMIT = FloodSettings(max_per_window=2, window_minutes=5)


def held(n: int, reach: float = 0.0) -> Held:
    return Held(f"a{n}", f"mention {n}", f"https://x.example/{n}", reach)


def run(settings: FloodSettings, times: list[datetime]) -> tuple[list[str], FloodState]:
    state, decisions = FloodState(), []
    for n, when in enumerate(times):
        decision, state = decide(state, settings, when, held(n, reach=n))
        decisions.append(decision)
    return decisions, state


def test_alerts_beyond_the_limit_wait_for_one_batch_with_the_top_three() -> None:
    # Given a limit of two alerts per five minutes
    # When six alerts arrive within a minute
    decisions, state = run(LIMIT, [T0 + timedelta(seconds=10 * n) for n in range(6)])

    # Then two go now, four wait; the batch is due when the window ends, not before
    assert decisions == ["send", "send", "batch", "batch", "batch", "batch"]
    assert not due(state, LIMIT, T0 + timedelta(minutes=4))
    assert due(state, LIMIT, T0 + timedelta(minutes=5))
    batch, after = take_batch(state, LIMIT, T0 + timedelta(minutes=5))
    assert batch.summary("Tidings") == "4 new mentions of Tidings in 5 minutes"
    assert [h.alert_id for h in batch.top] == ["a5", "a4", "a3"]
    assert (after.held_count, after.sent) == (0, 1)


def test_a_new_window_sends_at_once_again() -> None:
    decisions, _ = run(LIMIT, [T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=6)])

    assert decisions == ["send", "send", "send"]


def test_quiet_hours_hold_everything_for_a_catch_up_when_they_end() -> None:
    # Given quiet hours across midnight
    quiet = FloodSettings(quiet_start="22:00", quiet_end="07:00")
    night = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)

    # When two alerts arrive at night
    decisions, state = run(quiet, [night, night + timedelta(hours=2)])

    # Then both are held until 07:00, and the catch-up says so
    assert decisions == ["quiet", "quiet"]
    assert not due(state, quiet, night + timedelta(hours=7))
    morning = night + timedelta(hours=7, minutes=31)
    assert due(state, quiet, morning)
    batch, _ = take_batch(state, quiet, morning)
    assert batch.summary("Tidings") == "While quiet hours were on: 2 new mentions of Tidings"
