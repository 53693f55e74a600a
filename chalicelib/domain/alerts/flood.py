"""Flood control per watch x channel: send now, hold for the batch, or hold for quiet hours.

A fixed window allows `max_per_window` single alerts; what comes after is held and sent as ONE
batch ("14 new mentions of Tidings in 5 minutes", with the top three by reach) when the window
ends. During quiet hours everything is held and one catch-up summary goes out when they end.
The state is a small value the store writes with a version check, so two notifiers never both
take the same slot or the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from chalicelib.domain.alerts.settings import FloodSettings

TOP = 3


@dataclass(frozen=True)
class Held:
    """A held alert, as much of it as a batch message shows."""

    alert_id: str
    headline: str
    url: str = ""
    reach: float = 0.0


@dataclass(frozen=True)
class FloodState:
    window_start: datetime | None = None
    sent: int = 0  # single alerts sent in this window
    held_count: int = 0
    top: tuple[Held, ...] = ()  # the held alerts with the highest reach, at most TOP
    first_held_at: datetime | None = None
    quiet: bool = False  # something was held because of quiet hours
    version: int = 0  # the store's optimistic lock


@dataclass(frozen=True)
class Batch:
    count: int
    since: datetime
    minutes: int
    top: tuple[Held, ...]
    catch_up: bool  # held through quiet hours

    def summary(self, watch_name: str) -> str:
        noun = "mention" if self.count == 1 else "mentions"
        if self.catch_up:
            return f"While quiet hours were on: {self.count} new {noun} of {watch_name}"
        return f"{self.count} new {noun} of {watch_name} in {self.minutes} minutes"


def in_quiet_hours(settings: FloodSettings, now: datetime) -> bool:
    if not settings.quiet_start or not settings.quiet_end:
        return False
    start, end = time.fromisoformat(settings.quiet_start), time.fromisoformat(settings.quiet_end)
    clock = now.time().replace(tzinfo=None)
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end  # across midnight, e.g. 22:00-07:00


def _window_over(state: FloodState, settings: FloodSettings, now: datetime) -> bool:
    return state.window_start is None or now >= state.window_start + timedelta(
        minutes=settings.window_minutes
    )


def _hold(state: FloodState, alert: Held, now: datetime, quiet: bool) -> FloodState:
    top = tuple(sorted((*state.top, alert), key=lambda h: -h.reach)[:TOP])
    return replace(
        state,
        held_count=state.held_count + 1,
        top=top,
        first_held_at=state.first_held_at or now,
        quiet=state.quiet or quiet,
    )


def decide(
    state: FloodState, settings: FloodSettings, now: datetime, alert: Held
) -> tuple[str, FloodState]:
    """("send" | "batch" | "quiet", the new state) for one new alert."""
    if in_quiet_hours(settings, now):
        return "quiet", _hold(state, alert, now, quiet=True)
    if _window_over(state, settings, now) and not state.held_count:
        state = replace(state, window_start=now, sent=0)
    if state.held_count or state.sent >= settings.max_per_window:
        return "batch", _hold(state, alert, now, quiet=False)
    return "send", replace(state, sent=state.sent + 1)


def due(state: FloodState, settings: FloodSettings, now: datetime) -> bool:
    """A batch is due when something is held, the window is over and quiet hours are not."""
    return (
        state.held_count > 0
        and not in_quiet_hours(settings, now)
        and (state.quiet or _window_over(state, settings, now))
    )


def take_batch(
    state: FloodState, settings: FloodSettings, now: datetime
) -> tuple[Batch, FloodState]:
    """The batch to send, and the state after it: the batch counts as one send of a new window."""
    since = state.first_held_at or now
    start = state.window_start if state.window_start and not state.quiet else since
    batch = Batch(
        count=state.held_count,
        since=since,
        minutes=max(1, round((now - start).total_seconds() / 60)),
        top=state.top,
        catch_up=state.quiet,
    )
    return batch, FloodState(window_start=now, sent=1, version=state.version)
