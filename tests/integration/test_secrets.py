"""Secrets are read by name from SSM; the deployed stack's placeholders count as unset."""

from __future__ import annotations

import pytest

from chalicelib.aws import secrets
from chalicelib.local.provision import put_secret
from chalicelib.local.stack import LocalStack

pytestmark = pytest.mark.integration


def test_a_set_secret_is_read_and_a_placeholder_or_missing_one_is_not(stack: LocalStack) -> None:
    put_secret("/tidings/local/slack/webhook-url", "https://hooks.example/T1")
    put_secret("/tidings/local/webhooks/zap2/secret", "unset-0f1e2d3c")

    assert secrets.get_secret("/tidings/local/slack/webhook-url") == "https://hooks.example/T1"
    assert secrets.get_secret("/tidings/local/webhooks/zap2/secret") is None
    assert secrets.get_secret("/tidings/local/never/set") is None
