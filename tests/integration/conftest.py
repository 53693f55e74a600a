"""Integration tests run Tidings against the session's DynamoDB Local and moto's server, each
test with its own tables, queues and topic (a fresh resource prefix)."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator

import pytest
from chalice.test import Client

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


@pytest.fixture
def api(stack: LocalStack) -> Iterator[Client]:
    with Client(stack.app) as client:
        yield client
