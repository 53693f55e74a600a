"""The local configuration file: watches to load, Slack webhook, webhook integrations."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.domain.models import Watch
from chalicelib.domain.validation import watch_from_input
from chalicelib.errors import ValidationError
from chalicelib.sources.registry import target_hints

DEMO_FEED = "{demo_feed}"


@dataclass(frozen=True)
class LocalConfig:
    watches: tuple[Watch, ...]
    api_port: int = 8000
    poll_interval_s: float = 20.0
    demo_interval_s: float = 10.0
    slack_webhook_url: str = ""
    integrations: dict[str, str] = field(default_factory=dict)
    platform_webhooks: dict[str, Any] = field(default_factory=dict)  # webhooks/parameters.py


def read_config(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text())
    except FileNotFoundError as error:
        raise ValidationError(f"{path}: no such file") from error
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"{path}: {error}") from error


def uses_demo_feed(data: dict[str, Any]) -> bool:
    return any(
        isinstance(s, dict) and s.get("target") == DEMO_FEED
        for w in data.get("watch", [])
        for s in w.get("sources", [])
    )


def parse_config(data: dict[str, Any], demo_feed_url: str = "") -> LocalConfig:
    """Validate as the API would; `{demo_feed}` targets become the local sample feed's URL."""
    local = data.get("local", {})
    watches = []
    for i, raw in enumerate(data.get("watch", [])):
        sources = [
            {**s, "target": demo_feed_url}
            if isinstance(s, dict) and s.get("target") == DEMO_FEED
            else s
            for s in raw.get("sources", [])
        ]
        try:
            watches.append(watch_from_input({**raw, "sources": sources}, target_hints()))
        except ValidationError as error:
            raise ValidationError(f"watch[{i}]: {error}") from error
    return LocalConfig(
        watches=tuple(watches),
        api_port=int(local.get("api_port", 8000)),
        poll_interval_s=float(local.get("poll_interval_s", 20)),
        demo_interval_s=float(local.get("demo_interval_s", 10)),
        slack_webhook_url=str(data.get("slack", {}).get("webhook_url", "")),
        integrations={str(k): str(v) for k, v in data.get("webhooks", {}).items()},
        platform_webhooks=dict(data.get("platform_webhooks", {})),
    )
