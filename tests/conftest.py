"""Session-wide test setup: fake AWS credentials, and the real local services started once.

Integration tests talk over HTTP to DynamoDB Local and moto's server, never to AWS. When a
service cannot start, its fixture fails the tests that need it: they are never skipped, so a
green run always means the real services were exercised.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from chalicelib.local.dynamodb_local import DynamoDBLocal, LocalServiceError
from chalicelib.local.moto_server import MotoServer

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parent.parent
# Same home as `tidings up`: the emulator is downloaded once and shared; CI fetches it here.
LOCAL_HOME = REPO_ROOT / ".tidings"

FAKE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # No profile, config file or instance metadata can hand botocore real credentials.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Tidings",
    "POWERTOOLS_DEV": "false",
}
UNSET_ENVIRONMENT = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "POWERTOOLS_METRICS_DISABLED")


@pytest.fixture(scope="session", autouse=True)
def fake_aws_environment() -> Iterator[None]:
    """Fake credentials for the whole session, so nothing can ever reach real AWS."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_AWS_ENVIRONMENT.items():
            patch.setenv(name, value)
        for name in UNSET_ENVIRONMENT:
            patch.delenv(name, raising=False)
        yield


def _start_or_fail(name: str, start: Callable[[], T]) -> T:
    """Start a service, or fail (never skip) the tests that need it, with the one-line reason."""
    try:
        return start()
    except LocalServiceError as error:
        problem = str(error)
    # Failed outside the `except`, so the report shows the reason, not a chained traceback.
    pytest.fail(f"{name} did not start: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def dynamodb_local(fake_aws_environment: None) -> Iterator[DynamoDBLocal]:
    """DynamoDB Local in memory, one per session: tests use their own table names."""
    with _start_or_fail("DynamoDB Local", lambda: DynamoDBLocal.start(LOCAL_HOME)) as service:
        yield service


@pytest.fixture(scope="session")
def moto_server(fake_aws_environment: None) -> Iterator[MotoServer]:
    """moto's server, one per session: tests use their own resource names (or call reset())."""
    with _start_or_fail("moto's server", MotoServer().start) as server:
        yield server
