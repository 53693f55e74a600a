"""A watch's alert settings as frozen values, and their JSON shape (API and storage).

Part of the schema is read by other modules: `spike` by spike detection, `digest` by the
email digests, the `webhook` channel by the outgoing webhook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHANNELS = ("slack", "email", "webhook")
# every: each new story; negative; influential: reach_score >= min_reach; sources / languages:
# only those; urgent: a query of its own matched on the mention.
RULE_KINDS = ("every", "negative", "influential", "sources", "languages", "urgent")
DIGEST_FREQUENCIES = ("off", "daily", "weekly")
# Spike alerts are on for every new watch unless its `alerts.spike.enabled` says false, as in
# Brand24 or Mention: a sudden burst is what a team least wants to miss, and it costs one
# message per spike and cool-down. A watch created without `alerts.spike` gets this value.
SPIKE_ALERTS_BY_DEFAULT = True


@dataclass(frozen=True)
class AlertRule:
    name: str
    kind: str
    channels: tuple[str, ...] = ("slack",)
    min_reach: float = 70.0  # influential: reach_score (0-100) at or above this
    sources: tuple[str, ...] = ()  # sources: mention.source in these
    languages: tuple[str, ...] = ()  # languages: the analysed language in these
    query: str = ""  # urgent: e.g. `Datenleck OR lawsuit`

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "kind": self.kind, "channels": [*self.channels]}
        if self.kind == "influential":
            out["min_reach"] = self.min_reach
        if self.kind == "sources":
            out["sources"] = [*self.sources]
        if self.kind == "languages":
            out["languages"] = [*self.languages]
        if self.kind == "urgent":
            out["query"] = self.query
        return out


@dataclass(frozen=True)
class SpikeSettings:
    """Volume of the last window against the seasonal baseline (implemented by spike alerts)."""

    enabled: bool = SPIKE_ALERTS_BY_DEFAULT
    window_minutes: int = 60
    factor: float = 3.0  # volume at least this many times the baseline
    min_volume: int = 10  # and at least this many mentions
    negative_share: float = 0.5  # or a negative share at least this high (with min_volume)
    cooldown_minutes: int = 120
    channels: tuple[str, ...] = ("slack",)

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "window_minutes": self.window_minutes,
            "factor": self.factor,
            "min_volume": self.min_volume,
            "negative_share": self.negative_share,
            "cooldown_minutes": self.cooldown_minutes,
            "channels": [*self.channels],
        }


@dataclass(frozen=True)
class DigestSettings:
    """Email digests through SES (implemented by the digest sender)."""

    frequency: str = "off"  # off, daily or weekly
    recipients: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"frequency": self.frequency, "recipients": [*self.recipients]}


@dataclass(frozen=True)
class FloodSettings:
    """Per watch x channel: at most `max_per_window` single alerts per window, the rest in one
    batch when the window ends; nothing during quiet hours (UTC, "HH:MM"), then one catch-up."""

    max_per_window: int = 5
    window_minutes: int = 5
    quiet_start: str = ""  # e.g. "22:00"; empty: no quiet hours
    quiet_end: str = ""  # e.g. "07:00"

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_per_window": self.max_per_window,
            "window_minutes": self.window_minutes,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
        }


def _default_rules() -> tuple[AlertRule, ...]:
    return (AlertRule(name="every new mention", kind="every", channels=("slack",)),)


@dataclass(frozen=True)
class AlertSettings:
    rules: tuple[AlertRule, ...] = field(default_factory=_default_rules)
    flood: FloodSettings = field(default_factory=FloodSettings)
    spike: SpikeSettings = field(default_factory=SpikeSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    slack_channel: str = ""  # Web API channel (with a bot token); empty: the incoming webhook
    # Outgoing webhook (part B, chalicelib/notify/webhook.py): where the "webhook" channel POSTs,
    # and the SSM parameter name of its HMAC secret. Added by part B: please parse in from_dict.
    webhook_url: str = ""
    webhook_secret_parameter: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": [r.to_dict() for r in self.rules],
            "flood": self.flood.to_dict(),
            "spike": self.spike.to_dict(),
            "digest": self.digest.to_dict(),
            "slack_channel": self.slack_channel,
            "webhook_url": self.webhook_url,
            "webhook_secret_parameter": self.webhook_secret_parameter,
        }
