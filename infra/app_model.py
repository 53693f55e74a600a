"""What the Chalice app needs, read from the code, so the stack follows the app.

Functions come from the app's routes and event sources, tables from the PynamoDB models,
queue, topic and parameter names from `Settings`: adding a handler, a table or a secret to
the app changes the stack without touching infra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

API_FUNCTION = "api_handler"  # Chalice packages every route into one function
MIDDLEWARE = ("chalicelib.handlers.auth.require_api_key",)


@dataclass(frozen=True)
class Function:
    """One Lambda function of the app and the Python function(s) it runs."""

    name: str  # the Chalice name: api_handler, plan_polls, poll_worker, ...
    logical_id: str  # its resource in `chalice package`'s SAM template
    entry_points: tuple[str, ...]  # "module.function" for each handler it runs
    kind: str  # api, schedule, sqs, sns
    queue: str | None = None
    topic: str | None = None
    schedule: str | None = None


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: str  # S, N or B


@dataclass(frozen=True)
class TableSpec:
    name: str  # the name in MODELS: watches, mentions, ...
    hash_key: KeyAttribute
    range_key: KeyAttribute | None
    ttl_attribute: str | None
    indexes: tuple[dict[str, Any], ...]


def logical_id(name: str) -> str:
    """Chalice's logical id for a function: poll_worker -> PollWorker."""
    if name == API_FUNCTION:
        return "APIHandler"
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_-]", name) if part)


def load_app() -> Any:
    import app

    return app.app


def functions(chalice_app: Any | None = None) -> list[Function]:
    chalice_app = chalice_app or load_app()
    found: list[Function] = []
    views = sorted(
        {
            f"{route.view_function.__module__}.{route.view_function.__name__}"
            for methods in chalice_app.routes.values()
            for route in methods.values()
        }
    )
    if views:
        # Every request also runs the app's middleware (API keys): its calls are the API's too.
        views = [*views, *MIDDLEWARE]
        found.append(Function(API_FUNCTION, logical_id(API_FUNCTION), tuple(views), "api"))
    for source in chalice_app.event_sources:
        kind = type(source).__name__
        entry = (source.handler_string,)
        if kind == "ScheduledEventConfig":
            expression = getattr(source.schedule_expression, "to_string", lambda: None)()
            schedule = expression or str(source.schedule_expression)
            found.append(
                Function(source.name, logical_id(source.name), entry, "schedule", schedule=schedule)
            )
        elif kind == "SQSEventConfig":
            found.append(
                Function(source.name, logical_id(source.name), entry, "sqs", queue=source.queue)
            )
        elif kind == "SNSEventConfig":
            found.append(
                Function(source.name, logical_id(source.name), entry, "sns", topic=source.topic)
            )
        else:
            raise ValueError(f"infra does not deploy {kind} ({source.name}) yet")
    return found


_ATTRIBUTE_TYPES = {"S": "S", "N": "N", "B": "B"}


def _key(model: Any, name: str) -> KeyAttribute:
    attribute = model.get_attributes()[name]
    return KeyAttribute(attribute.attr_name, _ATTRIBUTE_TYPES[attribute.attr_type])


def tables() -> list[TableSpec]:
    from pynamodb.attributes import TTLAttribute

    from chalicelib.store.tables import MODELS

    specs: list[TableSpec] = []
    for name, model in MODELS.items():
        attributes = model.get_attributes()
        hash_name = next(n for n, a in attributes.items() if a.is_hash_key)
        range_name = next((n for n, a in attributes.items() if a.is_range_key), None)
        ttl = next((a.attr_name for a in attributes.values() if isinstance(a, TTLAttribute)), None)
        schema: dict[str, Any] = dict(model._get_schema())
        indexes = tuple(
            {**index, "kind": kind}
            for kind in ("global", "local")
            for index in schema.get(f"{kind}_secondary_indexes", [])
        )
        specs.append(
            TableSpec(
                name=name,
                hash_key=_key(model, hash_name),
                range_key=_key(model, range_name) if range_name else None,
                ttl_attribute=ttl,
                indexes=indexes,
            )
        )
    return specs
