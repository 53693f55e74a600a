"""Secrets by name from SSM Parameter Store (SecureString), cached so rotation needs no redeploy."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.utilities.parameters import SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from chalicelib.aws.clients import client

CACHE_SECONDS = 300


@cache
def _provider() -> SSMProvider:
    return SSMProvider(boto3_client=client("ssm"))


def get_secret(name: str) -> str | None:
    """The secret's value, or None when it has not been set."""
    try:
        value = _provider().get(name, decrypt=True, max_age=CACHE_SECONDS)
    except GetParameterError:
        return None
    return str(value) if value else None


def reset() -> None:
    _provider.cache_clear()
