"""What alert delivery needs from storage and from a channel, as Protocols (fakes in tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.alerts.flood import FloodState


class FloodStore(Protocol):
    def get(self, watch_id: str, channel: str) -> FloodState: ...

    def save(self, watch_id: str, channel: str, state: FloodState) -> bool:
        """Write if nobody wrote since `state.version` was read; False when someone did."""
        ...

    def held(self) -> list[tuple[str, str, FloodState]]:
        """(watch, channel, state) of every scope holding alerts."""
        ...


class DeliveryLedger(Protocol):
    def claim(self, key: str, now: datetime, lease_s: int) -> bool:
        """True when this caller may deliver `key`: never claimed, or an unfinished claim older
        than the lease (its Lambda died)."""
        ...

    def finish(self, key: str, status: str) -> None: ...

    def release(self, key: str) -> None: ...


class GoneTargets(Protocol):
    def mark(self, target: str, channel: str, reason: str, now: datetime) -> None: ...

    def reason(self, target: str) -> str | None: ...

    def all(self) -> list[dict[str, Any]]: ...
