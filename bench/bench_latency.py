"""Webhook to Slack through the local stack: from a signed POST to
`/webhooks/generic/bench` sent over real HTTP until a Slack stand-in on localhost receives the
alert, p50 and p95 over 200 mentions.

DynamoDB Local and moto's server (fresh, in memory) stand in for AWS, the API is served as
`tidings up` serves it (`LocalStack.serve_api`) and the workers and notifier run in
`LocalStack.run`'s loop, as `tidings up` runs them: drain the queues, sleep 0.5 s, again. So the
figure includes up to 0.5 s of the loop's sleep, which on AWS is SQS's and SNS's own delivery.

Settings that make every mention an individual alert: 4 watches (50 mentions each, each
mention naming exactly one), every watch with the default rule (every new mention to Slack)
and flood control at 100 single alerts per 5-minute window, spikes off. Each mention is its
own story (different text). Closed loop: each POST is sent once the previous alert reached
Slack (or after 30 s), so the figure is the latency of one mention, not the queueing of a
backlog; DynamoDB Local is far slower than DynamoDB, so throughput is not measured here.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MENTIONS = 200
WATCHES = ("alpha", "bravo", "charlie", "delta")
GAP_S = 0.05  # between an alert arriving and the next POST
TIMEOUT_S = 30.0  # for one alert
SECRET = "bench-secret"
ROOT = Path(__file__).resolve().parent.parent


class SlackStandIn:
    """An incoming webhook on localhost that notes when each alert arrived, by its `ref`."""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                at = time.perf_counter()
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                for word in body.decode("utf-8", "replace").replace('"', " ").split():
                    if word.startswith("ref") and word[3:].isdigit():
                        stand_in.received.setdefault(word, at)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/BENCH"


def _post(api_url: str, i: int) -> None:
    from bench.bench_match import _FILLER
    from chalicelib.webhooks.signing import sign

    # Words drawn at random per mention: texts too alike would join one story, and a story's
    # copies are stored but not alerted.
    words = " ".join(random.Random(i).sample(_FILLER, 18))
    body = json.dumps(
        {
            "id": f"bench-{i}",
            "text": f"ref{i:04d} {WATCHES[i % len(WATCHES)].capitalize()} {words} #{i}",
            "published_at": datetime.now(UTC).isoformat(),
            "url": f"https://bench.example/{i}",
            "author": {"name": f"Author {i}", "reach": 100 + i},
        }
    ).encode()
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Tidings-Timestamp": str(ts),
        "X-Tidings-Signature": sign(SECRET, ts, body),
    }
    request = urllib.request.Request(
        f"{api_url}/webhooks/generic/bench", body, headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 202:
            raise RuntimeError(f"webhook answered {response.status}")


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run() -> dict[str, float]:
    from chalicelib import services
    from chalicelib.domain.alerts.settings import AlertSettings, FloodSettings, SpikeSettings
    from chalicelib.domain.models import Watch
    from chalicelib.local.config import LocalConfig
    from chalicelib.local.ports import free_port
    from chalicelib.local.stack import LocalStack
    from chalicelib.observability import logger

    saved, level = dict(os.environ), logger.log_level
    slack = SlackStandIn()
    stack = LocalStack(home=ROOT / ".tidings", persist=False, out=io.StringIO())
    stopping = threading.Event()
    quiet = io.StringIO()  # the console alerts, metrics and request lines `tidings up` prints
    try:
        logger.setLevel("WARNING")
        stack.start()
        alerts = AlertSettings(
            flood=FloodSettings(max_per_window=100, window_minutes=5),
            spike=replace(SpikeSettings(), enabled=False),
        )
        watches = tuple(
            Watch(id=name, name=name.capitalize(), query=name.capitalize(), alerts=alerts)
            for name in WATCHES
        )
        stack.configure(
            LocalConfig(
                watches=watches, slack_webhook_url=slack.url, integrations={"bench": SECRET}
            )
        )
        sent: dict[str, float] = {}
        failures: list[BaseException] = []

        def drain_loop() -> None:
            try:
                stack.run(3600.0, stop=stopping.is_set)
            except Exception as error:  # reported below: the run stops early instead of waiting
                failures.append(error)

        loop = threading.Thread(target=drain_loop, daemon=True)
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            api_url = stack.serve_api(free_port())
            loop.start()
            for i in range(MENTIONS):
                ref = f"ref{i:04d}"
                sent[ref] = time.perf_counter()
                _post(api_url, i)
                deadline = sent[ref] + TIMEOUT_S
                while ref not in slack.received and time.perf_counter() < deadline:
                    if failures:
                        break
                    time.sleep(0.005)
                if failures:
                    print(f"  the drain loop failed: {failures[0]!r}", file=sys.__stdout__)
                    break
                if ref not in slack.received:
                    print(f"  {ref}: no alert within {TIMEOUT_S:.0f} s", file=sys.__stdout__)
                time.sleep(GAP_S)
                if (i + 1) % 25 == 0:  # progress, past the redirection
                    print(f"  {i + 1} of {MENTIONS} sent", file=sys.__stdout__, flush=True)
            stopping.set()
            loop.join(timeout=60)
    finally:
        stopping.set()
        stack.stop()
        slack.server.shutdown()
        os.environ.clear()
        os.environ.update(saved)
        services.reset()
        logger.setLevel(level)
    latencies = [
        1000 * (slack.received[ref] - at) for ref, at in sent.items() if ref in slack.received
    ]
    if len(latencies) < MENTIONS:
        print(f"  only {len(latencies)} of {MENTIONS} alerts reached Slack in time")
    if not latencies:
        return {}
    return {
        "webhook_to_slack_p50_ms": statistics.median(latencies),
        "webhook_to_slack_p95_ms": _percentile(latencies, 0.95),
        "webhook_to_slack_max_ms": max(latencies),
        "webhook_to_slack_delivered_share": len(latencies) / MENTIONS,
    }
