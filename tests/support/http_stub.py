"""A real HTTP server on 127.0.0.1 for connector tests: canned or scripted replies per path, and
a record of every request it received. Connectors talk to it over real sockets, as to a platform.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before answering, to make the client time out

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        return cls(status, json.dumps(data), {"Content-Type": "application/json", **headers})

    @classmethod
    def file(cls, path: Path, content_type: str, **headers: str) -> Reply:
        return cls(200, path.read_bytes(), {"Content-Type": content_type, **headers})


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""  # what a POST sent


Responder = Callable[[Received], Reply]


def etag_aware(reply: Reply, etag: str) -> Responder:
    """Answer 304 when the client sends the current ETag back, else the reply with that ETag."""

    def respond(request: Received) -> Reply:
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(reply.status, reply.body, {**reply.headers, "ETag": etag}, reply.delay_s)

    return respond


class HttpStub:
    """Use as a context manager; `serve(path, ...)` scripts replies, the last one repeats."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._routes: dict[str, list[Reply | Responder]] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, *replies: Reply | Responder) -> None:
        with self._lock:
            self._routes[path] = list(replies)

    def requests_to(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def __enter__(self) -> HttpStub:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _reply_for(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            script = self._routes.get(request.path)
            if not script:
                return Reply(404, "no route in the stub", {"Content-Type": "text/plain"})
            step = script.pop(0) if len(script) > 1 else script[0]
        return step(request) if callable(step) else step

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Received(
                    method=method,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                reply = stub._reply_for(request)
                if reply.delay_s and stub._closing.wait(reply.delay_s):
                    return
                body = reply.body.encode() if isinstance(reply.body, str) else reply.body
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up on a slow reply is the point of that test, not a failure


def closed_port() -> int:
    """A port nothing listens on, for 'cannot reach' tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
