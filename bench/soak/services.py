"""The emulators for a soak, each in a process of its own: moto's server in the soak's own
process (as `tidings up` runs it) would share one interpreter lock with the API, the webhook
senders and the stand-ins, and become the bottleneck."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chalicelib.local.dynamodb_local import DynamoDBLocal
from chalicelib.local.ports import LOCALHOST, free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def emulators(home: Path) -> Iterator[tuple[str, str]]:
    """(DynamoDB endpoint, AWS endpoint) of DynamoDB Local in memory and moto's server."""
    port = free_port()
    moto = subprocess.Popen(
        [sys.executable, "-m", "bench.soak.moto_server", "-H", LOCALHOST, "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO_ROOT,
    )
    dynamodb: DynamoDBLocal | None = None
    try:
        dynamodb = DynamoDBLocal.start(home)
        _wait_for(port, moto)
        yield dynamodb.endpoint, f"http://{LOCALHOST}:{port}"
    finally:
        if dynamodb is not None:
            dynamodb.stop()
        moto.terminate()
        try:
            moto.wait(timeout=30)
        except subprocess.TimeoutExpired:
            moto.kill()
            moto.wait()


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto's server exited with {process.returncode}")
        try:
            with socket.create_connection((LOCALHOST, port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto's server did not listen on port {port} within {timeout_s:.0f}s")
