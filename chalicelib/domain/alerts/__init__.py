"""Alerts: which new mentions alert whom (rules), and how often (flood control).

`AlertSettings` is stored on each watch; `rules.evaluate` picks the rules a new mention fires;
`flood` decides send now, hold for a batch, or hold for quiet hours.
"""

from __future__ import annotations

from chalicelib.domain.alerts.settings import (
    CHANNELS,
    DIGEST_FREQUENCIES,
    RULE_KINDS,
    SPIKE_ALERTS_BY_DEFAULT,
    AlertRule,
    AlertSettings,
    DigestSettings,
    FloodSettings,
    SpikeSettings,
)

__all__ = [
    "CHANNELS",
    "DIGEST_FREQUENCIES",
    "RULE_KINDS",
    "SPIKE_ALERTS_BY_DEFAULT",
    "AlertRule",
    "AlertSettings",
    "DigestSettings",
    "FloodSettings",
    "SpikeSettings",
]
