"""Reading alert settings from JSON (the API's body, the stored watch) with clear errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

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
from chalicelib.domain.query import QueryError, parse
from chalicelib.errors import ValidationError

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def alert_settings_from_dict(data: Any) -> AlertSettings:
    """`alerts` of a watch; missing parts take their defaults."""
    if data is None:
        return AlertSettings()
    fields = {"rules", "flood", "spike", "digest", "slack_channel"}
    obj = _object(data, "alerts", fields | {"webhook_url", "webhook_secret_parameter"})
    default = AlertSettings()
    rules = default.rules
    if "rules" in obj:
        if not isinstance(obj["rules"], list) or len(obj["rules"]) > 20:
            raise ValidationError("alerts.rules must be a list of at most 20 rules")
        rules = tuple(_rule(r, f"alerts.rules[{i}]") for i, r in enumerate(obj["rules"]))
        names = [r.name for r in rules]
        if len(set(names)) != len(names):
            raise ValidationError("alerts.rules: rule names must be unique")
    channel = obj.get("slack_channel", "")
    if not isinstance(channel, str) or len(channel) > 80:
        raise ValidationError("alerts.slack_channel must be a channel id or #name")
    webhook_url = obj.get("webhook_url", "")
    if not isinstance(webhook_url, str) or (
        webhook_url and urlparse(webhook_url).scheme not in ("http", "https")
    ):
        raise ValidationError("alerts.webhook_url must be an http(s) URL or empty")
    secret_name = obj.get("webhook_secret_parameter", "")
    if not isinstance(secret_name, str) or len(secret_name) > 512:
        raise ValidationError("alerts.webhook_secret_parameter must be an SSM parameter name")
    return AlertSettings(
        webhook_url=webhook_url.strip(),
        webhook_secret_parameter=secret_name.strip(),
        rules=rules,
        flood=_flood(obj.get("flood", {})),
        spike=_spike(obj.get("spike", {})),
        digest=_digest(obj.get("digest", {})),
        slack_channel=channel.strip(),
    )


def _object(data: Any, where: str, fields: set[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationError(f"{where} must be an object")
    unknown = sorted(set(data) - fields)
    if unknown:
        raise ValidationError(f"{where}: unknown fields: {', '.join(unknown)}")
    return data


def _strings(value: Any, where: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(f"{where} must be a list of strings")
    if allowed is not None:
        bad = [v for v in value if v not in allowed]
        if bad:
            raise ValidationError(f"{where}: unknown {', '.join(bad)}; known: {', '.join(allowed)}")
    return tuple(dict.fromkeys(value))


def _number(value: Any, where: str, low: float, high: float, whole: bool = False) -> Any:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise ValidationError(f"{where} must be {kind} from {low:g} to {high:g}")
    return value


def _rule(data: Any, where: str) -> AlertRule:
    fields = {"name", "kind", "channels", "min_reach", "sources", "languages", "query"}
    obj = _object(data, where, fields)
    kind = obj.get("kind")
    if kind not in RULE_KINDS:
        raise ValidationError(f"{where}.kind must be one of {', '.join(RULE_KINDS)}")
    name = obj.get("name", kind)
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise ValidationError(f"{where}.name must be a non-empty string of at most 80 characters")
    channels = _strings(obj.get("channels", ["slack"]), f"{where}.channels", CHANNELS)
    if not channels:
        raise ValidationError(f"{where}.channels must name at least one channel")
    rule = AlertRule(name=name.strip(), kind=kind, channels=channels)
    if kind == "influential":
        reach = _number(obj.get("min_reach", 70), f"{where}.min_reach", 0, 100)
        return AlertRule(rule.name, kind, channels, min_reach=float(reach))
    if kind == "sources":
        sources = _strings(obj.get("sources"), f"{where}.sources")
        if not sources:
            raise ValidationError(f"{where}.sources must name at least one source")
        return AlertRule(rule.name, kind, channels, sources=sources)
    if kind == "languages":
        langs = _strings(obj.get("languages"), f"{where}.languages")
        if not langs:
            raise ValidationError(f"{where}.languages must name at least one language")
        return AlertRule(rule.name, kind, channels, languages=tuple(x.lower() for x in langs))
    if kind == "urgent":
        query = obj.get("query")
        if not isinstance(query, str) or not query.strip():
            raise ValidationError(f"{where}.query is required: the urgent words, e.g. lawsuit")
        try:
            parse(query)
        except QueryError as error:
            raise ValidationError(f"{where}.query: {error}") from error
        return AlertRule(rule.name, kind, channels, query=query.strip())
    return rule


def _flood(data: Any) -> FloodSettings:
    fields = {"max_per_window", "window_minutes", "quiet_start", "quiet_end"}
    obj = _object(data, "alerts.flood", fields)
    d = FloodSettings()
    quiet = (obj.get("quiet_start", d.quiet_start), obj.get("quiet_end", d.quiet_end))
    for name, value in zip(("quiet_start", "quiet_end"), quiet, strict=True):
        if not isinstance(value, str) or (value and not CLOCK.fullmatch(value)):
            raise ValidationError(f'alerts.flood.{name} must be "HH:MM" (UTC) or empty')
    if bool(quiet[0]) != bool(quiet[1]):
        raise ValidationError("alerts.flood: give both quiet_start and quiet_end, or neither")
    return FloodSettings(
        max_per_window=_number(
            obj.get("max_per_window", d.max_per_window), "alerts.flood.max_per_window", 1, 100, True
        ),
        window_minutes=_number(
            obj.get("window_minutes", d.window_minutes),
            "alerts.flood.window_minutes",
            1,
            1440,
            True,
        ),
        quiet_start=quiet[0],
        quiet_end=quiet[1],
    )


def _spike(data: Any) -> SpikeSettings:
    fields = {
        "enabled",
        "window_minutes",
        "factor",
        "min_volume",
        "negative_share",
        "cooldown_minutes",
        "channels",
    }
    obj = _object(data, "alerts.spike", fields)
    d = SpikeSettings()
    enabled = obj.get("enabled", SPIKE_ALERTS_BY_DEFAULT)  # on unless the watch says false
    if not isinstance(enabled, bool):
        raise ValidationError("alerts.spike.enabled must be true or false")
    w = "alerts.spike."
    return SpikeSettings(
        enabled=enabled,
        window_minutes=_number(
            obj.get("window_minutes", d.window_minutes), w + "window_minutes", 5, 1440, True
        ),
        factor=float(_number(obj.get("factor", d.factor), w + "factor", 1, 100)),
        min_volume=_number(obj.get("min_volume", d.min_volume), w + "min_volume", 1, 100000, True),
        negative_share=float(
            _number(obj.get("negative_share", d.negative_share), w + "negative_share", 0, 1)
        ),
        cooldown_minutes=_number(
            obj.get("cooldown_minutes", d.cooldown_minutes), w + "cooldown_minutes", 0, 10080, True
        ),
        channels=_strings(obj.get("channels", [*d.channels]), w + "channels", CHANNELS),
    )


def _digest(data: Any) -> DigestSettings:
    obj = _object(data, "alerts.digest", {"frequency", "recipients"})
    frequency = obj.get("frequency", "off")
    if frequency not in DIGEST_FREQUENCIES:
        raise ValidationError(
            f"alerts.digest.frequency must be one of {', '.join(DIGEST_FREQUENCIES)}"
        )
    recipients = _strings(obj.get("recipients", []), "alerts.digest.recipients")
    bad = [r for r in recipients if not EMAIL.fullmatch(r)]
    if bad:
        raise ValidationError(f"alerts.digest.recipients: not an email address: {', '.join(bad)}")
    return DigestSettings(frequency=frequency, recipients=recipients)
