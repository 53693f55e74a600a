"""One watch's spike check: detect, take the cool-down, explain, notify.

The cool-down is taken before anything is sent (one conditional write), so of two overlapping
scheduled runs only one alerts; it is given back when no channel took the alert, so the next
run tries again instead of staying silent for the whole cool-down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.domain.feedwindow import mentions_between
from chalicelib.domain.models import Watch
from chalicelib.domain.ports import CounterRepository, MentionRepository
from chalicelib.domain.spikes import (
    Cooldowns,
    Explanation,
    Spike,
    Thresholds,
    cooldown_scope,
    detect,
    explain,
    history_start,
)

MAX_WINDOW_MENTIONS = 500  # the explanation reads at most this many of the window's mentions


class SpikeNotifier(Protocol):
    def notify(self, watch: Watch, spike: Spike, why: Explanation) -> int:
        """Send the alert on the watch's channels; return how many took it."""
        ...


@dataclass(frozen=True)
class SpikeCheck:
    counters: CounterRepository
    mentions: MentionRepository
    cooldowns: Cooldowns
    notifier: SpikeNotifier

    def check(self, watch: Watch, now: datetime) -> list[Spike]:
        """The spikes alerted for this watch now (those in cool-down are left out)."""
        thresholds = Thresholds.of(watch.alerts.spike)
        counts = self.counters.hourly(watch.id, history_start(now, thresholds), now)
        alerted: list[Spike] = []
        for spike in detect(watch.id, counts, now, thresholds):
            scope = cooldown_scope(spike)
            if not self.cooldowns.acquire(scope, now, now + thresholds.cooldown):
                continue
            try:
                window = mentions_between(
                    self.mentions,
                    watch.id,
                    spike.window_start,
                    spike.window_end,
                    MAX_WINDOW_MENTIONS,
                )
                delivered = self.notifier.notify(watch, spike, explain(spike, window))
            except Exception:
                self.cooldowns.release(scope)
                raise
            if delivered == 0:
                self.cooldowns.release(scope)
                continue
            alerted.append(spike)
        return alerted
