"""The soak's verdict: what was sent, stored, counted and alerted, and what went wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

MUST_BE_ZERO = ("duplicates_stored", "alerts_duplicated", "lost", "alerts_lost", "miscounted")


@dataclass
class Summary:
    events_sent: int = 0  # accepted webhook deliveries + hits in well-formed poll answers
    webhook_deliveries: int = 0
    poll_deliveries: int = 0
    unique: int = 0
    stored: int = 0
    duplicates_stored: int = 0
    counted: int = 0  # the volume analytics' total
    miscounted: int = 0  # |counted - stored story leads|
    alerts_due: int = 0  # stored story leads
    alerts_sent: int = 0  # distinct mentions Slack accepted an alert for
    alerts_duplicated: int = 0  # accepted alerts beyond the first per mention
    alerts_redriven: int = 0  # moved from the DLQ back to the topic, then delivered
    alerts_in_dlq: int = 0  # still there at the end
    alerts_lost: int = 0  # due, not delivered and not in the DLQ
    alert_batches: int = 0  # Slack posts naming several mentions (flood control held them)
    lost: int = 0  # unique mentions not stored
    jobs_in_dlq: int = 0  # poll jobs and webhook deliveries given up on (redrivable)
    cursor_consistent: int = 0
    workers_killed: int = 0
    sweeps_run: int = 0  # sweeps of abandoned deliveries (every two claim leases, and at the end)
    deliveries_swept: int = 0  # abandoned deliveries the sweeps finished
    mentions_recovered: int = 0  # mentions those had left, counted and published by the sweeps
    faults: Mapping[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.cursor_consistent == 1 and not any(getattr(self, n) for n in MUST_BE_ZERO)

    def figures(self) -> dict[str, float]:
        """`soak_*` figures for bench/results.json."""
        out = {
            f"soak_{name}": float(value)
            for name, value in asdict(self).items()
            if name not in ("faults", "elapsed_s")
        }
        out.update({f"soak_faults_{name}": float(v) for name, v in self.faults.items()})
        out["soak_elapsed_s"] = round(self.elapsed_s, 1)
        out["soak_mentions_per_s"] = round(self.unique / self.elapsed_s, 2) if self.elapsed_s else 0
        return out

    def table(self) -> str:
        rows = [(n, getattr(self, n)) for n in asdict(self) if n not in ("faults", "elapsed_s")]
        rows += [(f"faults: {name}", count) for name, count in sorted(self.faults.items())]
        rows.append(("elapsed (s)", round(self.elapsed_s, 1)))
        width = max(len(name) for name, _ in rows)
        lines = [
            f"  {name:<{width}}  {value:>10,}" + ("  (must be 0)" if name in MUST_BE_ZERO else "")
            for name, value in rows
        ]
        verdict = "PASS: nothing duplicated, nothing lost" if self.ok else "FAIL: see above"
        return "\n".join([*lines, f"  {verdict}"])
