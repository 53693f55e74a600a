"""Turning what a user sent into a Watch, or a message that says exactly what is wrong."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlparse

from chalicelib.domain.alerts.schema import alert_settings_from_dict
from chalicelib.domain.models import WATCH_ID, SourceRef, Watch
from chalicelib.domain.query import QueryError, parse
from chalicelib.errors import ValidationError

FIELDS = {"id", "name", "query", "sources", "retention_days", "enabled", "alerts"}
URL_TARGETS = {"rss"}  # kinds whose target must also be an http(s) URL


def watch_from_input(
    data: Any, known_sources: Collection[str], watch_id: str | None = None
) -> Watch:
    """`known_sources` names the kinds a watch may use; as a mapping (the registry's
    `target_hints()`), a kind with a non-empty hint needs a target and the hint says what."""
    if not isinstance(data, Mapping):
        raise ValidationError("the body must be a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(unknown)}")
    wid = watch_id or data.get("id")
    if not isinstance(wid, str) or not WATCH_ID.fullmatch(wid):
        raise ValidationError(
            "id must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit"
        )
    if watch_id and data.get("id") not in (None, watch_id):
        raise ValidationError("id in the body does not match the id in the path")
    name = data.get("name", wid)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ValidationError("name must be a non-empty string of at most 200 characters")
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise ValidationError('query is required: the words or "phrases" to listen for')
    try:
        parse(query)
    except QueryError as error:
        raise ValidationError(f"query: {error}") from error
    retention = data.get("retention_days", 365)
    if not isinstance(retention, int) or isinstance(retention, bool) or not 1 <= retention <= 3650:
        raise ValidationError("retention_days must be a whole number from 1 to 3650")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValidationError("enabled must be true or false")
    return Watch(
        id=wid,
        name=name.strip(),
        query=query.strip(),
        sources=_sources(data.get("sources", []), known_sources),
        retention_days=retention,
        enabled=enabled,
        alerts=alert_settings_from_dict(data.get("alerts")),
    )


def _sources(raw: Any, known: Collection[str]) -> tuple[SourceRef, ...]:
    if not isinstance(raw, list):
        raise ValidationError("sources must be a list")
    refs: list[SourceRef] = []
    for i, item in enumerate(raw):
        spec = {"kind": item} if isinstance(item, str) else item
        if not isinstance(spec, Mapping) or not isinstance(spec.get("kind"), str):
            raise ValidationError(f'sources[{i}] must be a kind name or {{"kind", "target"}}')
        kind, target = spec["kind"], spec.get("target", "")
        if kind not in known:
            raise ValidationError(
                f"sources[{i}]: unknown source {kind!r}; known: {', '.join(sorted(known))}"
            )
        if not isinstance(target, str):
            raise ValidationError(f"sources[{i}].target must be a string")
        hint = known.get(kind, "") if isinstance(known, Mapping) else ""
        if hint and not target.strip():
            raise ValidationError(f"sources[{i}]: {kind} needs a target: {hint}")
        if kind in URL_TARGETS:
            url = urlparse(target)
            if url.scheme not in ("http", "https") or not url.netloc:
                raise ValidationError(f"sources[{i}]: {kind} needs a target http(s) URL")
        ref = SourceRef(kind=kind, target=target)
        if ref not in refs:
            refs.append(ref)
    return tuple(refs)
