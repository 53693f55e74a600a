"""Integration tests run Tidings against the session's DynamoDB Local and moto's server, each
test with its own tables, queues and topic (a fresh resource prefix)."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client, HTTPResponse, TestHTTPClient

from chalicelib import services
from chalicelib.local.config import LocalConfig
from chalicelib.local.dynamodb_local import DynamoDBLocal
from chalicelib.local.moto_server import MotoServer
from chalicelib.local.stack import LocalStack
from tests.conftest import LOCAL_HOME
from tests.support.http_stub import HttpStub
from tests.support.slack_stub import SlackStub

WEBHOOK_SECRET = "s3cret-for-tests"


@pytest.fixture
def platform() -> Iterator[HttpStub]:
    """The web as the connectors see it: feeds and the Hacker News API on localhost."""
    with HttpStub() as stub:
        yield stub


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    with SlackStub() as stub:
        yield stub


@pytest.fixture
def stack(
    dynamodb_local: DynamoDBLocal,
    moto_server: MotoServer,
    platform: HttpStub,
    slack: SlackStub,
) -> Iterator[LocalStack]:
    saved = dict(os.environ)
    os.environ["TIDINGS_HACKERNEWS_URL"] = platform.url("/api/v1")
    os.environ["TIDINGS_HTTP_TIMEOUT_S"] = "2"
    local = LocalStack(home=LOCAL_HOME, out=io.StringIO())
    local.attach(dynamodb_local.endpoint, moto_server.endpoint, prefix=f"t{uuid.uuid4().hex[:12]}")
    local.configure(
        LocalConfig(watches=(), slack_webhook_url=slack.url, integrations={"zap": WEBHOOK_SECRET})
    )
    yield local
    os.environ.clear()
    os.environ.update(saved)
    services.reset()


class KeyedHTTPClient(TestHTTPClient):
    """Sends the test's API key unless the request names its own credentials."""

    def __init__(self, app: Any, config: Any, api_key: str) -> None:
        super().__init__(app, config)
        self.api_key = api_key

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> HTTPResponse:
        headers = dict(headers or {})
        if not any(name.lower() in ("authorization", "x-api-key") for name in headers):
            headers["Authorization"] = f"Bearer {self.api_key}"
        return super().request(method, path, headers=headers, body=body)


class KeyedClient(Client):
    """chalice.test.Client whose HTTP requests carry an API key by default."""

    def __init__(self, app: Any, api_key: str) -> None:
        super().__init__(app)
        self.api_key = api_key

    @property
    def http(self) -> TestHTTPClient:
        if self._http_client is None:
            self._http_client = KeyedHTTPClient(self._app, self._chalice_config, self.api_key)
        return self._http_client


@pytest.fixture
def api(stack: LocalStack) -> Iterator[KeyedClient]:
    """The API as a signed-in client: every request sends a fresh key named "tests"."""
    with KeyedClient(stack.app, stack.create_api_key("tests")) as client:
        yield client


@pytest.fixture
def anonymous(stack: LocalStack) -> Iterator[Client]:
    """The API as a stranger sees it: no credentials unless the test sends some."""
    with Client(stack.app) as client:
        yield client
