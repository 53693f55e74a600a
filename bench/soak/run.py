"""The soak itself, on a local stack that is already attached (by `python -m bench.soak` or by
the integration test): stand-ins up, worker processes started, mentions released and pushed in
rounds while faults are injected, workers killed and abandoned deliveries swept; then settle,
sweep once more, redrive the DLQ, and count."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.soak.audit import audit_counts
from bench.soak.faults import Dice, FaultRates
from bench.soak.mentions import SoakMention, plan
from bench.soak.platform import HackerNewsStandIn
from bench.soak.slack import FaultySlack
from bench.soak.summary import Summary
from bench.soak.sweeper import Sweeper
from bench.soak.tally import Api, cursor_consistent, queue_depth
from bench.soak.webhooks import WebhookSender
from chalicelib.domain.alerts.settings import AlertRule, AlertSettings, FloodSettings, SpikeSettings
from chalicelib.domain.models import SourceRef, Watch
from chalicelib.local.ports import free_port
from chalicelib.local.stack import LocalStack

WATCH_ID = "soak"
INTEGRATION = "soak"
SECRET = "soak-webhook-secret"
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SoakOptions:
    mentions: int = 10_000
    rounds: int = 20
    workers: int = 2
    kills: int = 2  # worker processes SIGKILLed mid-batch, taking turns at these queues:
    kill_queues: tuple[str, ...] = ("poll", "ingest")
    seed: int = 9
    source_faults: FaultRates = field(default_factory=lambda: FaultRates(0.04, 0.04, 0.02, 0.02))
    slack_faults: FaultRates = field(
        default_factory=lambda: FaultRates(rate_limited=0.02, server_error=0.02)
    )
    # Mentions due an alert. Flood control allows 100 single alerts a minute and holds the rest
    # for a batch that names only the top three, which the count cannot trace: the notifiers
    # drain about 35 published leads a second, and at 5% a 10,000 run went past 100 a minute.
    alert_share: float = 0.02
    blocked_alerts: int = 10  # alerts Slack refuses until the outage ends: the DLQ path
    max_receives: int = 3  # of an alert, before the DLQ
    alerts_visibility_s: int = 12  # longer than one notifier run (the lease)
    alert_lease_s: int = 8  # Slack's retry budget is 70% of it
    # A killed delivery's claims are taken over after this (300 s deployed): longer than any
    # delivery here takes, and short enough that the run sees them finished
    claim_lease_s: int = 20
    source_timeout_s: float = 1.0
    deadline_s: float = 3600.0
    say: Callable[[str], None] = field(default=print)


def soak(stack: LocalStack, options: SoakOptions) -> Summary:
    started = time.monotonic()
    _use_claim_lease(options.claim_lease_s)
    dice = Dice(options.seed)
    platform = HackerNewsStandIn(dice, options.source_faults, options.source_timeout_s + 1).start()
    slack_dice = Dice(options.seed + 1)
    slack = FaultySlack(slack_dice, options.slack_faults).start()
    workdir = Path(tempfile.mkdtemp(prefix="tidings-soak-"))
    pool = _Workers(workdir, _worker_environment(platform, options))
    # As the 15-minute schedule against a 300 s lease: every two leases
    sweeper = Sweeper(2 * options.claim_lease_s, options.say)
    sender: WebhookSender | None = None
    try:
        alerts_url, alerts_dlq = _prepare(stack, slack, options)
        api = Api(stack.serve_api(free_port()), stack.create_api_key("soak"))
        mentions = plan(
            options.mentions,
            seed=options.seed,
            now=int(time.time()),
            alert_share=options.alert_share,
        )
        alerting = [m for m in mentions if m.alerting]
        stride = max(1, len(alerting) // max(1, options.blocked_alerts))
        slack.blocked = frozenset(m.token for m in alerting[::stride][: options.blocked_alerts])
        slack.outage = True
        sender = WebhookSender(
            f"{api.base_url}/webhooks/generic/{INTEGRATION}", SECRET, seed=options.seed
        )
        for n in range(options.workers):
            pool.start(f"worker-{n}", alerts_url)
        sweeper.start()
        _rounds(stack, mentions, platform, sender, pool, alerts_url, options)
        sender.close()
        options.say("rounds done: faults off, settling")
        platform.rates = FaultRates()
        slack.rates = FaultRates()
        deadline = started + options.deadline_s
        _settle(stack, platform, alerts_url, deadline, options.say)
        sweeper.stop()
        _sweep_last(sweeper, stack, alerts_url, deadline, options)
        _wait_empty([alerts_url], deadline, options.say)
        slack.outage = False
        redriven = _redrive(alerts_dlq)
        options.say(f"DLQ redriven: {redriven} alerts")
        _wait_empty([alerts_url], deadline, options.say)
        from chalicelib.handlers.notifier import flush

        flush()
        pool.stop()
        summary = _count(api, mentions, platform, slack, sender, alerts_dlq)
        if summary.miscounted:
            audit_counts(WATCH_ID, options.say)
        unalerted = sorted(
            (m.token, "polled" if m.polled else "pushed")
            for m in mentions
            if m.alerting and m.token not in slack.delivered
        )
        if unalerted:
            options.say(f"due alerts not delivered (or not stored): {unalerted[:10]}")
        summary.alerts_redriven = redriven
        summary.alert_batches = slack.batches
        summary.workers_killed = pool.killed
        summary.sweeps_run = sweeper.runs
        summary.deliveries_swept = sweeper.swept
        summary.mentions_recovered = sweeper.recovered
        assert stack.resources is not None
        summary.jobs_in_dlq = sum(
            queue_depth(f"{url}-dlq")
            for url in (stack.resources.poll_queue_url, stack.resources.ingest_queue_url)
        )
        summary.faults = (
            {f"source_{k}": v for k, v in dice.injected.items()}
            | {f"slack_{k}": v for k, v in slack_dice.injected.items()}
            | {"slack_blocked_alerts": len(slack.blocked)}
        )
        summary.elapsed_s = time.monotonic() - started
        return summary
    except BaseException:  # interrupted (SIGINT/SIGTERM) or failed: no draining, no orphans
        if sender is not None:
            sender.abandon()
        sweeper.stop(timeout_s=10.0)
        pool.terminate()
        raise
    finally:
        sweeper.stop(timeout_s=10.0)
        pool.stop()
        platform.stop()
        slack.stop()


def _use_claim_lease(claim_lease_s: int) -> None:
    """The orchestrator's sweep must judge leases as the workers do: settings are read once
    per process, so set the lease and rebuild the services before anything uses them."""
    from chalicelib import services

    os.environ["TIDINGS_CLAIM_LEASE_S"] = str(claim_lease_s)
    services.reset()


def _worker_environment(platform: HackerNewsStandIn, options: SoakOptions) -> dict[str, str]:
    return {
        **os.environ,
        "TIDINGS_HACKERNEWS_URL": platform.api_url,
        "TIDINGS_HTTP_TIMEOUT_S": str(options.source_timeout_s),
        "TIDINGS_ALERT_LEASE_S": str(options.alert_lease_s),
        "TIDINGS_CLAIM_LEASE_S": str(options.claim_lease_s),
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "PYTHONPATH": str(REPO_ROOT),
    }


def _prepare(stack: LocalStack, slack: FaultySlack, options: SoakOptions) -> tuple[str, str]:
    """Secrets, the watch, and the alerts queue's timing; returns (alerts queue, its DLQ)."""
    import json

    from chalicelib.aws.clients import client
    from chalicelib.local.provision import put_secret
    from chalicelib.services import services

    assert stack.resources is not None
    svc = services()
    put_secret(svc.settings.slack_webhook_parameter, slack.url)
    put_secret(svc.settings.webhook_secret_parameter(INTEGRATION), SECRET)
    # Flood control as open as it goes, and only mentions that say "escalate" alerted: every
    # alert is a post of its own, so each can be traced to its mention and counted.
    alerts = AlertSettings(
        rules=(AlertRule("escalations", "urgent", query="escalate"),),
        flood=FloodSettings(max_per_window=100, window_minutes=1),
        spike=SpikeSettings(enabled=False),
    )
    svc.watches.put(
        Watch(WATCH_ID, "Soak", "Tidings", sources=(SourceRef("hackernews"),), alerts=alerts)
    )
    sqs = client("sqs")
    alerts_url = stack.resources.alerts_queue_url
    dlq_url = alerts_url + "-dlq"
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(options.max_receives)}
    sqs.set_queue_attributes(
        QueueUrl=alerts_url,
        Attributes={
            "VisibilityTimeout": str(options.alerts_visibility_s),
            "RedrivePolicy": json.dumps(redrive),
        },
    )
    return alerts_url, dlq_url


def _rounds(
    stack: LocalStack,
    mentions: list[SoakMention],
    platform: HackerNewsStandIn,
    sender: WebhookSender,
    pool: _Workers,
    alerts_url: str,
    options: SoakOptions,
) -> None:
    size = max(1, -(-len(mentions) // options.rounds))
    chunks = [mentions[i : i + size] for i in range(0, len(mentions), size)]
    kill_rounds = {
        max(1, (k + 1) * len(chunks) // (options.kills + 1)): k for k in range(options.kills)
    }
    for r, chunk in enumerate(chunks):
        platform.release([m.hit() for m in chunk if m.polled])
        if r in kill_rounds:
            k = kill_rounds[r]
            queue = options.kill_queues[k % len(options.kill_queues)]
            pool.start(f"killed-{k}", alerts_url, queues=queue, kill_after=7 + 5 * k)
        stack.tick()  # two poll jobs for one cursor: they race
        stack.tick()
        sender.send(chunk)
        stack.tick()
        options.say(
            f"round {r + 1}/{len(chunks)}: {sum(len(c) for c in chunks[: r + 1])} mentions out"
        )


def _settle(
    stack: LocalStack,
    platform: HackerNewsStandIn,
    alerts_url: str,
    deadline: float,
    say: Callable[[str], None],
) -> None:
    """Poll until the cursor has caught up and every queue is empty."""
    assert stack.resources is not None
    queues = [stack.resources.poll_queue_url, stack.resources.ingest_queue_url, alerts_url]
    while time.monotonic() < deadline:
        _wait_empty(queues, deadline, say)
        if cursor_consistent(WATCH_ID, "hackernews", platform.newest()):
            return
        stack.tick()
        time.sleep(0.5)


def _sweep_last(
    sweeper: Sweeper, stack: LocalStack, alerts_url: str, deadline: float, options: SoakOptions
) -> None:
    """Once the queues are empty, a lease later, as the schedule's next run: whatever a
    delivery left that no other will meet again is finished now (and its alerts delivered)."""
    assert stack.resources is not None
    queues = [stack.resources.poll_queue_url, stack.resources.ingest_queue_url, alerts_url]
    _wait_empty(queues, deadline, options.say)
    time.sleep(min(options.claim_lease_s + 1, max(0.0, deadline - time.monotonic())))
    sweeper.catch_up(deadline)
    options.say(
        f"swept: {sweeper.runs} sweeps ({sweeper.failures} failed) examined "
        f"{sweeper.examined} deliveries, finished {sweeper.swept} abandoned ones, "
        f"{sweeper.recovered} mentions recovered"
    )


def _wait_empty(queues: list[str], deadline: float, say: Callable[[str], None]) -> None:
    quiet, shown = 0, time.monotonic()
    while time.monotonic() < deadline and quiet < 3:
        depths = [queue_depth(q) for q in queues]
        quiet = quiet + 1 if not any(depths) else 0
        if time.monotonic() - shown > 15:
            say(f"waiting for the queues: {depths} messages")
            shown = time.monotonic()
        time.sleep(2.0)


def _redrive(dlq_url: str) -> int:
    """`tidings alerts redrive`, as an operator runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "alerts", "redrive", "--queue-url", dlq_url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    return int(done.stdout.split()[1])  # "moved N alerts from the DLQ back to ..."


def _count(
    api: Api,
    mentions: list[SoakMention],
    platform: HackerNewsStandIn,
    slack: FaultySlack,
    sender: WebhookSender,
    alerts_dlq: str,
) -> Summary:
    feed = api.feed(WATCH_ID)
    poll = sum(platform.served.values())
    unique = {m.token for m in mentions}
    delivered = slack.delivered
    in_dlq = queue_depth(alerts_dlq)
    due = feed.leads & {m.token for m in mentions if m.alerting}
    missing = len(due - set(delivered))
    counted = api.volume(WATCH_ID, mentions)
    return Summary(
        events_sent=sender.tally.accepted + poll,
        webhook_deliveries=sender.tally.accepted,
        poll_deliveries=poll,
        unique=len(unique),
        stored=len(unique & set(feed.tokens)),
        duplicates_stored=feed.items - len(feed.tokens),
        counted=counted,
        miscounted=abs(counted - len(feed.leads)),
        alerts_due=len(due),
        alerts_sent=len(set(delivered) & unique),
        alerts_duplicated=sum(c - 1 for c in delivered.values()),
        alerts_in_dlq=in_dlq,
        alerts_lost=max(0, missing - in_dlq),
        lost=len(unique - set(feed.tokens)),
        cursor_consistent=int(cursor_consistent(WATCH_ID, "hackernews", platform.newest())),
    )


class _Workers:
    """Worker processes, as concurrent Lambda invocations; some are set to die mid-batch."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self._workdir = workdir
        self._env = env
        self._stop = workdir / "stop"
        self._procs: dict[str, subprocess.Popen[Any]] = {}
        self.killed = 0

    def start(
        self, name: str, alerts_url: str, *, queues: str = "poll,ingest,alerts", kill_after: int = 0
    ) -> None:
        args = [sys.executable, "-m", "bench.soak.worker", "--queues", queues]
        args += ["--alerts-url", alerts_url, "--stop-file", str(self._stop)]
        if kill_after:
            args += ["--kill-after-claims", str(kill_after)]
        log = (self._workdir / f"{name}.log").open("w")
        self._procs[name] = subprocess.Popen(
            args, env=self._env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT
        )

    def terminate(self) -> None:
        """Stop the workers now, mid-batch if need be."""
        for proc in self._procs.values():
            if proc.poll() is None:
                proc.terminate()

    def stop(self) -> None:
        self._stop.touch()
        for proc in self._procs.values():
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.killed = sum(1 for p in self._procs.values() if p.returncode == -9)
