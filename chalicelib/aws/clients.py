"""boto3 clients, created once per process and pointed at moto's server when running locally."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.errors import PermanentError, TransientError
from chalicelib.settings import get_settings

_CONFIG = Config(
    connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 4}
)


@cache
def client(service: str) -> Any:
    """A cached client; boto3 is imported only here, and only when a handler first needs it."""
    settings = get_settings()
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint,
        config=_CONFIG,
    )


@contextmanager
def refusals(what: str, permanent: Collection[str]) -> Iterator[None]:
    """A call's failure as the project's errors: a refusal AWS will repeat (one of the
    `permanent` error codes) is permanent, anything else is worth retrying."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in permanent:
            raise PermanentError(f"{what}: {code}") from error
        raise TransientError(f"{what}: {code or 'error'}") from error
    except BotoCoreError as error:
        raise TransientError(f"{what}: {type(error).__name__}") from error
