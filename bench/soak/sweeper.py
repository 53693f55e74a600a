"""The sweep of abandoned deliveries in the soak, as its schedule runs it on AWS (every 15
minutes against a 300 s claim lease), scaled to the soak's lease: every two leases from a
thread of the orchestrator while the rounds kill workers and inject faults, so it races real
deliveries; then once more when the queues are quiet and a lease has passed, until it has
examined every record."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Sweeper:
    """Runs `sweep_now` (handlers/sweep_schedule.py) and sums what the runs did."""

    def __init__(self, every_s: float, say: Callable[[str], None]) -> None:
        self._every_s = every_s
        self._say = say
        self._stopped = threading.Event()
        self._lock = threading.Lock()  # one sweep at a time from this process
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.failures = 0
        self.examined = 0  # open records read past their lease
        self.swept = 0  # abandoned deliveries finished
        self.recovered = 0  # mentions they had left, counted and published by the sweep

    def start(self) -> Sweeper:
        self._thread = threading.Thread(target=self._loop, name="sweeper", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 60.0) -> None:
        """No new sweep; waits for one under way (a daemon thread: never holds the exit)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def catch_up(self, deadline: float) -> None:
        """Sweep until a run finds no record left to examine (one run reads at most 2,000)."""
        while time.monotonic() < deadline:
            examined = self.run_once()
            if examined == 0:
                return
            if examined is None:
                time.sleep(1.0)

    def run_once(self) -> int | None:
        """One sweep; the records it examined, None when it failed (the next run retries, as
        the schedule's next invocation would)."""
        from chalicelib.handlers.sweep_schedule import sweep_now

        with self._lock:
            try:
                result = sweep_now()
            except Exception as error:
                self.failures += 1
                self._say(f"sweep failed: {type(error).__name__}: {str(error)[:200]}")
                return None
            self.runs += 1
            self.examined += result.examined
            self.swept += len(result.recovered)
            self.recovered += result.mentions
        if result.recovered:
            self._say(
                f"sweep: {len(result.recovered)} abandoned deliveries finished, "
                f"{result.mentions} mentions recovered ({result.examined} records examined)"
            )
        return result.examined

    def _loop(self) -> None:
        while not self._stopped.wait(self._every_s):
            self.run_once()
