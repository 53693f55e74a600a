"""The OpenAPI document is true: every route and method the app serves is in it, and it
describes nothing the app does not serve."""

from __future__ import annotations

from typing import Any

import app as tidings
from chalicelib.handlers.openapi_api import document

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _served() -> set[tuple[str, str]]:
    routes: Any = tidings.app.routes
    return {(path, method.lower()) for path, methods in routes.items() for method in methods}


def _documented() -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, operations in document()["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }


def test_every_route_and_method_of_the_app_is_documented() -> None:
    missing = sorted(_served() - _documented())

    assert missing == [], f"add these to chalicelib/handlers/openapi_api.py: {missing}"


def test_the_document_describes_only_what_the_app_serves() -> None:
    assert sorted(_documented() - _served()) == []


def test_it_is_openapi_3_1_and_public_routes_need_no_credentials() -> None:
    doc = document()

    assert doc["openapi"] == "3.1.0"
    assert doc["paths"]["/health"]["get"]["security"] == []
    assert doc["paths"]["/webhooks/meta"]["post"]["security"] == []
    assert "security" not in doc["paths"]["/watches"]["get"]
    assert "401" in doc["paths"]["/watches"]["get"]["responses"]
