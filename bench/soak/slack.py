"""A Slack incoming-webhook stand-in that answers 429 and 500 at random, and 500 to every alert
of the mentions it was told to block while an outage lasts (those end in the notifier's DLQ)."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.soak.faults import Dice, FaultRates

TOKEN = re.compile(r"soak-\d{6}")


class FaultySlack:
    def __init__(self, dice: Dice, rates: FaultRates) -> None:
        self.rates = rates
        self.delivered: Counter[str] = Counter()  # token -> alerts Slack accepted
        self.untokened = 0  # accepted posts naming no mention (batches, spikes)
        self.batches = 0  # accepted posts naming several mentions: flood control's batches
        self.attempts = 0
        self.blocked: frozenset[str] = frozenset()
        self.outage = False
        self._dice = dice
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/services/T000/B000/SOAK"

    def start(self) -> FaultySlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, body: bytes) -> tuple[int, bytes]:
        text = str(json.loads(body).get("text", ""))
        tokens = TOKEN.findall(text)
        with self._lock:
            self.attempts += 1
            if self.outage and self.blocked.intersection(tokens):
                return 500, b"internal_error"
        fault = self._dice.roll(self.rates)
        if fault == "rate_limited":
            return 429, b"rate_limited"
        if fault is not None:
            return 500, b"internal_error"
        with self._lock:
            if tokens:
                self.delivered.update(set(tokens))
                self.batches += len(set(tokens)) > 1
            else:
                self.untokened += 1
        return 200, b"ok"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        slack = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status, reply = slack.answer(
                    self.rfile.read(int(self.headers.get("Content-Length", 0)))
                )
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
