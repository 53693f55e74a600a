"""One worker process of the soak: drains the poll, ingest and alerts queues as the Lambda
functions would, until told to stop. `--kill-after-claims K` makes it SIGKILL itself right
after its Kth mention write, in the middle of a batch: nothing of the batch is acknowledged,
so SQS hands it out again once the visibility timeout ends.

Run by the soak (`python -m bench.soak.worker ...`) with the local stack's environment.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any


def arm_kill(after: int) -> None:
    """SIGKILL this process after `after` mention claims: the write is done, the rest is not."""
    from chalicelib.store.repositories import DynamoMentionRepository

    original = DynamoMentionRepository.claim
    done = 0

    def claim(self: DynamoMentionRepository, item: Any, delivery_id: str, expires: datetime) -> Any:
        nonlocal done
        outcome = original(self, item, delivery_id, expires)
        done += 1
        if done >= after:
            os.kill(os.getpid(), signal.SIGKILL)
        return outcome

    DynamoMentionRepository.claim = claim  # type: ignore[method-assign]


def log_failures() -> None:
    """One line per failed delivery (Powertools reports them only to SQS): what the soak's
    retries were for."""
    from chalicelib.domain.pipeline import Pipeline

    original = Pipeline.process

    def process(self: Pipeline, mentions: Any, delivery_id: str) -> Any:
        try:
            return original(self, mentions, delivery_id)
        except Exception as error:
            print(f"delivery failed: {type(error).__name__}: {str(error)[:300]}", flush=True)
            raise

    Pipeline.process = process  # type: ignore[method-assign]


def notify_once(app: Any, queue_url: str) -> int:
    """One alert at a time, deleted as soon as it is done: the visibility timeout only ever
    has to cover one notifier run, as Lambda's does."""
    import json

    from chalicelib.aws.clients import client
    from chalicelib.local.invoke import LocalContext, sns_event

    sqs = client("sqs")
    messages = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0
    ).get("Messages", [])
    for message in messages:
        context = LocalContext("notifier", aws_request_id=str(uuid.uuid4()))
        try:
            app.handler_map["notifier"](sns_event(json.loads(message["Body"])), context)
        except Exception:
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak.worker")
    parser.add_argument("--queues", default="poll,ingest,alerts")
    parser.add_argument("--alerts-url", required=True)
    parser.add_argument("--stop-file", type=Path, required=True)
    parser.add_argument("--kill-after-claims", type=int, default=0)
    args = parser.parse_args(argv)
    import app as tidings
    from bench.soak.quiet import quiet_metrics
    from chalicelib.local.invoke import drain_once
    from chalicelib.settings import get_settings

    quiet_metrics()
    log_failures()
    if args.kill_after_claims:
        arm_kill(args.kill_after_claims)
    settings = get_settings()
    queues = set(args.queues.split(","))
    steps = []
    if "poll" in queues:
        steps.append(lambda: drain_once(tidings.app, "poll_worker", settings.poll_queue_url))
    if "ingest" in queues:
        steps.append(lambda: drain_once(tidings.app, "ingest_worker", settings.ingest_queue_url))
    if "alerts" in queues:
        steps.append(lambda: notify_once(tidings.app, args.alerts_url))
    while True:
        handled = 0
        for step in steps:
            try:
                handled += step()
            except Exception as error:  # as Lambda's poller: a failed receive is tried again
                print(f"worker step failed: {type(error).__name__}: {error}", flush=True)
                time.sleep(1.0)
        if handled == 0:
            if args.stop_file.exists():
                return 0
            time.sleep(0.5)


def _profiled(argv: list[str]) -> int:
    """With SOAK_PROFILE_DIR set, each worker writes its cProfile stats there on exit: where a
    soak's time goes, per process."""
    import cProfile

    directory = Path(os.environ["SOAK_PROFILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    profile = cProfile.Profile()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return profile.runcall(main, argv)
    finally:
        profile.dump_stats(directory / f"worker-{os.getpid()}.prof")


if __name__ == "__main__":
    if os.environ.get("SOAK_PROFILE_DIR"):
        sys.exit(_profiled(sys.argv[1:]))
    sys.exit(main(sys.argv[1:]))
