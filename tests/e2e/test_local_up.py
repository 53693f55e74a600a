"""The README's run command, as a user runs it: `tidings up` on the demo configuration shows
mentions stored and alerted, reports an unreachable source in one line, and Ctrl-C stops it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.local.ports import free_port, port_is_free
from tests.conftest import LOCAL_HOME, REPO_ROOT
from tests.support.http_stub import closed_port

pytestmark = pytest.mark.integration


class Running:
    """A `tidings up` process whose output is collected line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chalicelib.cli", "up", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()

    def wait_for(self, text: str, timeout: float = 90) -> str:
        with self._seen:
            self._seen.wait_for(
                lambda: any(text in line for line in self.lines) or self.process.poll() is not None,
                timeout,
            )
        matches = [line for line in self.lines if text in line]
        assert matches, f"{text!r} never appeared in:\n" + "\n".join(self.lines)
        return matches[0]


@pytest.fixture
def tidings_up(tmp_path: Path) -> Iterator[tuple[Running, int]]:
    port = free_port()
    env = {
        **os.environ,
        # Hacker News is "the internet" here: a closed local port stands in for no network.
        "TIDINGS_HACKERNEWS_URL": f"http://127.0.0.1:{closed_port()}/api/v1",
    }
    running = Running(
        ["--in-memory", "--home", str(LOCAL_HOME), "--port", str(port), "--interval", "3"], env
    )
    yield running, port
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait(timeout=10)


def test_the_demo_shows_mentions_flowing_and_ctrl_c_stops_everything(
    tidings_up: tuple[Running, int],
) -> None:
    running, port = tidings_up

    running.wait_for("Tidings is listening")
    alert = running.wait_for("New mention for tidings")
    failure = running.wait_for("✗ tidings · hackernews: cannot reach 127.0.0.1")
    key = running.wait_for("API key: ").split("API key: ", 1)[1].split()[0]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/watches/tidings/mentions",
        headers={"Authorization": f"Bearer {key}"},
    )
    with urllib.request.urlopen(request) as response:
        feed = json.loads(response.read())
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/watches/tidings/mentions")
        refused = 0
    except urllib.error.HTTPError as error:
        refused = error.code
    dynamodb_port = int(running.wait_for("DynamoDB Local on").rsplit(":", 1)[1].strip().split()[0])
    running.process.send_signal(signal.SIGINT)
    code = running.process.wait(timeout=30)

    assert "(Tidings" in alert or "Tidings)" in alert
    assert failure.endswith("(connection refused)")
    assert sum("hackernews: cannot reach" in line for line in running.lines) == 1  # not per tick
    assert len(feed["items"]) >= 1
    assert refused == 401  # without the banner's key
    assert all(item["watch_id"] == "tidings" for item in feed["items"])
    assert code == 0
    assert running.lines[-1] == "Stopped."
    assert not any("Traceback" in line for line in running.lines)
    assert port_is_free(port)
    assert port_is_free(dynamodb_port)


@pytest.fixture
def silent_server() -> Iterator[tuple[int, threading.Event]]:
    """A server that takes connections and never answers: a source that hangs."""
    called = threading.Event()
    held: list[socket.socket] = []
    server = socket.create_server(("127.0.0.1", 0))

    def hold() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed at teardown
                return
            held.append(connection)
            called.set()

    threading.Thread(target=hold, daemon=True).start()
    yield server.getsockname()[1], called
    server.close()
    for connection in held:
        connection.close()


def test_ctrl_c_stops_at_once_while_a_source_hangs(
    silent_server: tuple[int, threading.Event],
) -> None:
    # Given Hacker News accepts the poll's connection and never answers (a minute's timeout)
    hn_port, called = silent_server
    env = {
        **os.environ,
        "TIDINGS_HACKERNEWS_URL": f"http://127.0.0.1:{hn_port}/api/v1",
        "TIDINGS_HTTP_TIMEOUT_S": "120",
    }
    port = free_port()
    running = Running(
        ["--in-memory", "--home", str(LOCAL_HOME), "--port", str(port), "--interval", "3"], env
    )
    try:
        running.wait_for("Tidings is listening")
        assert called.wait(timeout=60), "the poll never reached Hacker News"

        # When the user presses Ctrl-C while that poll waits for its answer
        running.process.send_signal(signal.SIGINT)
        # the poll alone would hold it for two minutes
        code = running.process.wait(timeout=30)
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(timeout=10)

    # Then it stops cleanly, and frees the API's port
    assert code == 0
    assert running.lines[-2:] == ["Stopping…", "Stopped."]
    assert not any("Traceback" in line for line in running.lines)
    assert port_is_free(port)
