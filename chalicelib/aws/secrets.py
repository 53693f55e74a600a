"""Secrets by name from SSM Parameter Store (SecureString), cached so rotation needs no redeploy."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.utilities.parameters import SSMProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from chalicelib.aws.clients import client

CACHE_SECONDS = 300
# The deployed stack creates every credential as a named placeholder "unset-<stack id>"
# (CloudFormation cannot create SecureStrings): until someone sets it, it is no secret.
PLACEHOLDER_PREFIX = "unset-"


@cache
def _provider() -> SSMProvider:
    return SSMProvider(boto3_client=client("ssm"))


def get_secret(name: str) -> str | None:
    """The secret's value, or None when it has not been set."""
    try:
        value = _provider().get(name, decrypt=True, max_age=CACHE_SECONDS)
    except GetParameterError:
        return None
    text = str(value) if value else ""
    return text if text and not text.startswith(PLACEHOLDER_PREFIX) else None


def reset() -> None:
    _provider.cache_clear()
