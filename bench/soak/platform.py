"""A Hacker News (Algolia `search_by_date`) stand-in on 127.0.0.1 that misbehaves on purpose.

Hits are released in batches, oldest first, as a live site publishes them. Every request may
draw a fault: 429 with `Retry-After`, 500, an answer slower than the client's timeout, or a 200
whose body is not a search answer. Only well-formed answers count as deliveries.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bench.soak.faults import Dice, FaultRates

GARBAGE = (b"<html><body>502 upstream hiccup</body></html>", b'{"message": "busy"}')


class HackerNewsStandIn:
    def __init__(self, dice: Dice, rates: FaultRates, slow_s: float) -> None:
        self.rates = rates
        self.served: Counter[str] = Counter()  # objectID -> times in a well-formed answer
        self.requests = 0
        self._dice = dice
        self._slow_s = slow_s
        self._hits: list[dict[str, Any]] = []  # newest first
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        """What TIDINGS_HACKERNEWS_URL points at."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v1"

    def start(self) -> HackerNewsStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def release(self, hits: Sequence[dict[str, Any]]) -> None:
        """Publish hits (each newer than every earlier one)."""
        with self._lock:
            self._hits[:0] = sorted(hits, key=lambda h: -int(h["created_at_i"]))

    def newest(self) -> int | None:
        with self._lock:
            return int(self._hits[0]["created_at_i"]) if self._hits else None

    def answer(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body, delay) for one search request."""
        with self._lock:
            self.requests += 1
        fault = self._dice.roll(self.rates)
        if fault == "rate_limited":
            return 429, {"Retry-After": "1"}, b'{"message": "rate limited"}', 0.0
        if fault == "server_error":
            return 500, {}, b"internal error", 0.0
        if fault == "garbage":
            return 200, {}, GARBAGE[self._dice.injected["garbage"] % 2], 0.0
        page = self._page(query)
        body = json.dumps(page).encode()
        if fault == "slow":  # the client gives up first: not a delivery
            return 200, {}, body, self._slow_s
        with self._lock:
            self.served.update(str(h["objectID"]) for h in page["hits"])
        return 200, {}, body, 0.0

    def _page(self, query: dict[str, str]) -> dict[str, Any]:
        low, high = _bounds(query.get("numericFilters", ""))
        per_page = max(1, int(query.get("hitsPerPage", "20")))
        page = int(query.get("page", "0"))
        with self._lock:
            window = [
                h
                for h in self._hits
                if int(h["created_at_i"]) > low and (high is None or int(h["created_at_i"]) <= high)
            ]
        hits = window[page * per_page : (page + 1) * per_page]
        pages = (len(window) + per_page - 1) // per_page
        return {
            "hits": hits,
            "nbHits": len(window),
            "page": page,
            "nbPages": pages,
            "hitsPerPage": per_page,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if not parts.path.endswith("/search_by_date"):
                    self._send(404, {}, b"not found")
                    return
                status, headers, body, delay = stand_in.answer(dict(parse_qsl(parts.query)))
                if delay and stand_in._closing.wait(delay):
                    return
                self._send(status, headers, body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    for name, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client timed out and hung up: that was the fault

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


def _bounds(numeric_filters: str) -> tuple[int, int | None]:
    """`created_at_i>LO[,created_at_i<=HI]` as (LO, HI)."""
    low, high = 0, None
    for part in numeric_filters.split(","):
        if part.startswith("created_at_i>") and not part.startswith("created_at_i>="):
            low = int(part.removeprefix("created_at_i>"))
        elif part.startswith("created_at_i<="):
            high = int(part.removeprefix("created_at_i<="))
    return low, high


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client hanging up on a slow answer is the injected fault
