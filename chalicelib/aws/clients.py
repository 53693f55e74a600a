"""boto3 clients, created once per process and pointed at moto's server when running locally."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

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
