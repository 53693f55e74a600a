"""`tidings up`: the whole of Tidings on one laptop.

DynamoDB Local and moto's server stand in for AWS; the same Chalice app that deploys to Lambda
serves the API on localhost, and its handlers are driven here as Lambda would drive them: the
schedule plans polls, the workers drain their queues, the notifier receives what SNS delivers.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from chalicelib.local.config import LocalConfig
from chalicelib.local.dynamodb_local import DynamoDBLocal
from chalicelib.local.invoke import drain_once
from chalicelib.local.moto_server import MotoServer
from chalicelib.local.provision import LocalResources, provision, put_secret
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.domain.sweep import SweepResult

LOCAL_ENVIRONMENT = {
    # Fake credentials: the local stack must never reach a real AWS account.
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "TIDINGS_STAGE": "local",
}


@dataclass
class SourceState:
    ok: bool | None = None
    error: str | None = None


@dataclass
class LocalStack:
    home: Path
    persist: bool = True
    out: TextIO = field(default_factory=lambda: sys.stdout)
    dynamodb: DynamoDBLocal | None = None
    moto: MotoServer | None = None
    resources: LocalResources | None = None
    app: Any = None
    _api: Any = None
    _states: dict[tuple[str, str], SourceState] = field(default_factory=dict)

    def start(self) -> LocalResources:
        self.dynamodb = DynamoDBLocal.start(
            self.home, db_path=self.home / "data" if self.persist else None
        )
        self.moto = MotoServer().start()
        self.say(
            f"DynamoDB Local on {self.dynamodb.endpoint}, moto's server on {self.moto.endpoint}"
        )
        return self.attach(self.dynamodb.endpoint, self.moto.endpoint)

    def attach(
        self, dynamodb_endpoint: str, aws_endpoint: str, prefix: str | None = None
    ) -> LocalResources:
        """Point Tidings at running local services and create its resources there."""
        from chalicelib import services

        env = {
            **LOCAL_ENVIRONMENT,
            "TIDINGS_DYNAMODB_ENDPOINT": dynamodb_endpoint,
            "TIDINGS_AWS_ENDPOINT": aws_endpoint,
        }
        if prefix:
            env["TIDINGS_PREFIX"] = prefix
        os.environ.update(env)
        services.reset()
        self.resources = provision(get_settings())
        os.environ.update(self.resources.environment())
        services.reset()
        import app as tidings_app

        self.app = tidings_app.app
        return self.resources

    def configure(self, config: LocalConfig) -> None:
        from chalicelib.services import services

        svc = services()
        for watch in config.watches:
            svc.watches.put(watch)
        if config.slack_webhook_url:
            put_secret(svc.settings.slack_webhook_parameter, config.slack_webhook_url)
        for integration, secret in config.integrations.items():
            put_secret(svc.settings.webhook_secret_parameter(integration), secret)
        from chalicelib.webhooks.parameters import platform_parameters

        for name, value in platform_parameters(svc.settings, config.platform_webhooks):
            put_secret(name, value)

    def create_api_key(self, name: str = "demo") -> str:
        """A new API key (the banner prints it); only its SHA-256 is stored."""
        from chalicelib.services import services

        return services().api_keys.create(name)[1]

    def serve_api(self, port: int) -> str:
        from chalice.config import Config
        from chalice.local import CustomLocalChalice, create_local_server

        if isinstance(self.app, CustomLocalChalice):
            # Served before in this process: chalice re-parents the app's class on every call,
            # so start again from the original class or Python sees an inheritance cycle.
            self.app.__class__ = CustomLocalChalice.__bases__[1]
        server = create_local_server(self.app, Config.create(lambda_timeout=60), "127.0.0.1", port)
        self._api = server
        threading.Thread(target=server.serve_forever, daemon=True, name="api").start()
        return f"http://127.0.0.1:{port}"

    def tick(self) -> int:
        """What the schedule does on AWS: plan one poll job per (watch, source)."""
        from chalicelib.handlers.schedule import plan_now

        return plan_now()

    def check_spikes(self) -> int:
        """What the 5-minute spike schedule does on AWS: alert once per spike (see spikes.py)."""
        from chalicelib.handlers.spike_schedule import check_spikes

        return check_spikes()

    def sweep(self, now: datetime | None = None) -> SweepResult:
        """What the 15-minute sweep schedule does on AWS: finish deliveries that died past their
        lease (domain/sweep.py). `now`: a later moment, so a test need not wait out the lease."""
        from chalicelib.handlers.sweep_schedule import sweep_now

        return sweep_now(now)

    def drain(self, max_rounds: int = 50) -> int:
        """Run the workers and the notifier until their queues are empty (or the bound)."""
        assert self.resources is not None
        handled = 0
        for _ in range(max_rounds):
            n = drain_once(self.app, "poll_worker", self.resources.poll_queue_url)
            n += drain_once(self.app, "ingest_worker", self.resources.ingest_queue_url)
            n += drain_once(self.app, "notifier", self.resources.alerts_queue_url, from_sns=True)
            handled += n
            if n == 0:
                break
        from chalicelib.handlers.notifier import flush

        flush()  # what the alert_flush schedule does each minute: batches that are due
        return handled

    def report_sources(self) -> None:
        """One line when a source starts or stops working: a clear error, never a traceback."""
        from chalicelib.services import services

        svc = services()
        for watch in svc.watches.list():
            for cursor in svc.cursors.for_watch(watch.id):
                failing = cursor.last_error is not None  # a success clears it
                state = self._states.setdefault((watch.id, cursor.source_id), SourceState())
                if failing and state.error != cursor.last_error:
                    self.say(f"✗ {watch.id} · {cursor.last_error}")
                elif not failing and state.ok is not True and cursor.last_success_at:
                    self.say(f"✓ {watch.id} · {cursor.source_id} is listening")
                state.ok, state.error = (not failing), (cursor.last_error if failing else None)

    def run(
        self,
        poll_interval_s: float,
        *,
        duration_s: float | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        deadline = time.monotonic() + duration_s if duration_s is not None else None
        next_tick = 0.0
        while not stop() and (deadline is None or time.monotonic() < deadline):
            if time.monotonic() >= next_tick:
                self.tick()
                next_tick = time.monotonic() + poll_interval_s
                self.drain()
                self.check_spikes()
                self.sweep()
                self.report_sources()
            else:
                self.drain()  # webhooks arrive at any time
            time.sleep(0.5)

    def stop(self) -> None:
        if self._api is not None:
            self._api.server.shutdown()
        if self.moto is not None:
            self.moto.stop()
        if self.dynamodb is not None:
            self.dynamodb.stop()

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()
