"""moto's server mode: SNS, SQS, SES, SSM, Secrets Manager and EventBridge over real HTTP.

The adapters are exercised through botocore against an endpoint, exactly as in AWS, and moto's
SNS applies filter policies and delivers to SQS, so a publish can be followed to its subscriber.
moto is a dev dependency, so it is imported only when a server is started.
"""

from __future__ import annotations

import http.client
import logging
from types import TracebackType
from typing import Any

from chalicelib.local.dynamodb_local import LocalServiceError
from chalicelib.local.ports import LOCALHOST, port_is_free


class MotoServer:
    """moto's `ThreadedMotoServer` on localhost, in a thread of this process."""

    def __init__(self, port: int | None = None) -> None:
        self._requested_port = port
        self._server: Any = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise LocalServiceError("moto's server is not started")
        return self._port

    @property
    def endpoint(self) -> str:
        """What to pass as `endpoint_url` to boto3 for every service moto serves."""
        return f"http://{LOCALHOST}:{self.port}"

    def start(self) -> MotoServer:
        """Start serving and return self; a no-op when already started."""
        if self._server is not None:
            return self
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as error:
            raise LocalServiceError(
                "moto's server is missing: install the dev dependencies (make .venv/.installed)"
            ) from error
        # moto's start() waits forever if it cannot bind, so an explicit port is checked first.
        # Port 0 lets the OS pick a free port at bind time, with no window for another process.
        port = self._requested_port or 0
        if port and not port_is_free(port):
            raise LocalServiceError(f"moto's server cannot use port {port}: it is already in use")
        # werkzeug logs every request to stderr; that would drown `tidings up`'s own output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address=LOCALHOST, port=port, verbose=False)
        server.start()
        self._server = server
        self._port = int(server.get_host_and_port()[1])
        return self

    def reset(self) -> None:
        """Forget every resource moto holds, so a test can start from an empty account."""
        connection = http.client.HTTPConnection(LOCALHOST, self.port, timeout=10.0)
        try:
            connection.request("POST", "/moto-api/reset")
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise LocalServiceError(f"moto's reset answered HTTP {response.status}")

    def stop(self) -> None:
        """Stop serving and wait for the server thread. Idempotent."""
        server, self._server, self._port = self._server, None, None
        if server is not None:
            server.stop()

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
