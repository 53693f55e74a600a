"""schemathesis against the OpenAPI document the API serves, over real HTTP on the local stack:
for requests generated from every operation (valid and not), no answer is a 5xx and every
documented answer matches its schema."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from chalicelib.handlers.openapi_api import document
from chalicelib.local.ports import free_port
from chalicelib.local.stack import LocalStack

pytestmark = [pytest.mark.integration, pytest.mark.fuzz]

CHECKS = [not_a_server_error, response_schema_conformance]
# Per operation; 40 operations share one stack, so the whole run stays around a minute.
PER_OPERATION = settings(
    max_examples=max(5, settings.default.max_examples // 8),
    suppress_health_check=list(HealthCheck),
    database=None,
)


def test_every_operation_answers_without_a_5xx_and_as_documented(stack: LocalStack) -> None:
    # Given the API served over HTTP, its OpenAPI document, and an API key
    base = stack.serve_api(free_port())
    auth = {"Authorization": f"Bearer {stack.create_api_key('schemathesis')}"}
    document = requests.get(f"{base}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    operations = 0
    # When schemathesis sends each operation requests generated from its description
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @PER_OPERATION
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(base_url=base, headers=auth, timeout=10)
            case.validate_response(response, checks=CHECKS)

        try:
            call()
        except Exception as error:  # every operation's failure is reported, not just the first
            failures.append(f"{operation.label}: {type(error).__name__}: {error}"[:2000])
    # Then none failed a check
    assert operations >= 30
    assert not failures, "\n\n".join(failures)


def test_the_document_is_valid_openapi() -> None:
    schema = schemathesis.openapi.from_dict(document())
    assert all(result.ok() for result in schema.get_all_operations())
