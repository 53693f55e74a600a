"""A Slack incoming webhook on localhost: records what was posted, answers as Slack does."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class SlackStub:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.statuses: list[int] = []  # scripted answers; 200 "ok" once they run out
        self.api_calls: list[dict[str, Any]] = []  # Web API chat.postMessage bodies, with auth
        self.api_errors: list[str] = []  # scripted Web API `error`s ({"ok": false}); then ok
        self.responses: list[dict[str, Any]] = []  # what was POSTed to a response_url
        self.attempts = 0  # every POST to the webhook, answered or not
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.startswith("/api/"):
                    self._api(body)
                elif self.path.startswith("/actions/"):
                    stub.responses.append(json.loads(body))
                    self._reply(200, b"ok")
                else:
                    self._webhook(body)

            def _webhook(self, body: bytes) -> None:
                stub.attempts += 1
                status = stub.statuses.pop(0) if stub.statuses else 200
                if status == 200:
                    stub.posts.append(json.loads(body))
                replies = {200: b"ok", 404: b"no_service", 410: b"channel_is_archived"}
                self._reply(status, replies.get(status, b"rate_limited"))

            def _api(self, body: bytes) -> None:
                call = {**json.loads(body), "authorization": self.headers.get("Authorization")}
                error = stub.api_errors.pop(0) if stub.api_errors else ""
                if not error:
                    stub.api_calls.append(call)
                reply = {"ok": False, "error": error} if error else {"ok": True, "ts": "1.2"}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _reply(self, status: int, reply: bytes) -> None:
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/services/T000/B000/XXXX"

    @property
    def api_url(self) -> str:
        """The Web API base (TIDINGS_SLACK_API_URL): records chat.postMessage calls."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api"

    @property
    def response_url(self) -> str:
        """A response_url as Slack puts in an interaction payload."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/actions/T000/1/abc"

    def texts(self) -> list[str]:
        return [str(p.get("text", "")) for p in self.posts]

    def __enter__(self) -> SlackStub:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
