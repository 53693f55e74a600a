"""`make soak` / `python -m bench.soak [--mentions N]`: the soak and fault run on a fresh local
stack (DynamoDB Local in memory, moto's server); prints the summary, merges the `soak_*`
figures into bench/results.json, and exits 1 when anything was duplicated or lost."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import time
from types import FrameType

# Before Tidings is imported: its logger and metrics read these once.
os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})

from bench.soak.quiet import quiet_metrics
from bench.soak.run import REPO_ROOT, SoakOptions, soak
from bench.soak.services import emulators
from chalicelib.local.stack import LocalStack

RESULTS = REPO_ROOT / "bench" / "results.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--mentions", type=int, default=10_000, help="unique mentions (10000)")
    parser.add_argument("--rounds", type=int, default=20, help="release/push rounds (20)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--kills", type=int, default=2, help="workers killed mid-batch (2)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--alert-share", type=float, default=0.02, help="mentions due an alert (0.02)"
    )
    parser.add_argument("--max-minutes", type=float, default=60.0, help="give up after (60)")
    args = parser.parse_args(argv)
    _exit_on_signals()
    started = time.monotonic()
    _quiet_api_log()
    quiet_metrics()
    stack = LocalStack(home=REPO_ROOT / ".tidings", persist=False, out=io.StringIO())
    print("starting DynamoDB Local and moto's server ...", flush=True)
    with emulators(stack.home) as (dynamodb_endpoint, aws_endpoint):
        stack.attach(dynamodb_endpoint, aws_endpoint)
        options = SoakOptions(
            mentions=args.mentions,
            rounds=args.rounds,
            workers=args.workers,
            kills=args.kills,
            seed=args.seed,
            alert_share=args.alert_share,
            blocked_alerts=max(1, min(10, args.mentions // 100)),
            deadline_s=args.max_minutes * 60,
            say=lambda line: print(f"[{time.monotonic() - started:7.1f}s] {line}", flush=True),
        )
        try:
            summary = soak(stack, options)
        finally:
            stack.stop()
    print(f"== soak: {args.mentions:,} mentions, seed {args.seed}")
    print(summary.table())
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(summary.figures())
    RESULTS.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n")
    print(f"figures written to {RESULTS.relative_to(REPO_ROOT)}")
    return 0 if summary.ok else 1


def _exit_on_signals() -> None:
    """SIGTERM/SIGHUP leave as Ctrl-C does, through the `finally` blocks that stop the workers,
    DynamoDB Local and moto's server: a stopped soak leaves no process behind."""

    def leave(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, leave)


def _quiet_api_log() -> None:
    """The local API server logs every request to stderr: tens of thousands here."""
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.log_message = lambda *args, **kwargs: None  # type: ignore[method-assign]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
