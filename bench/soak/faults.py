"""Which fault, if any, a stand-in answers with: seeded dice, so a failing run can be replayed."""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class FaultRates:
    """Chance per request of each fault; what is left is a normal answer."""

    rate_limited: float = 0.0  # 429 with Retry-After
    server_error: float = 0.0  # 500
    slow: float = 0.0  # an answer later than the client's timeout
    garbage: float = 0.0  # 200 with a body that is not the API's

    def pairs(self) -> tuple[tuple[str, float], ...]:
        return (
            ("rate_limited", self.rate_limited),
            ("server_error", self.server_error),
            ("slow", self.slow),
            ("garbage", self.garbage),
        )


class Dice:
    """Thread-safe seeded choice of a fault; counts what it chose."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: Counter[str] = Counter()

    def roll(self, rates: FaultRates) -> str | None:
        with self._lock:
            value = self._random.random()
            for name, rate in rates.pairs():
                if value < rate:
                    self.injected[name] += 1
                    return name
                value -= rate
            return None
