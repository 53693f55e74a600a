"""`tidings source parse NAME FILE`: a saved API response of a source as normalised mentions,
one JSON object a line, to check a connector against a real payload without any network."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC
from importlib import import_module
from pathlib import Path
from typing import Any

ParseFunction = Callable[[bytes], Any]


def parser_for(kind: str) -> ParseFunction | None:
    """The `parse(body)` of the connector registered as `kind` (module-level or on the class)."""
    from chalicelib.sources.registry import CONNECTORS

    factory = CONNECTORS[kind]
    found = getattr(factory, "parse", None) or getattr(
        import_module(factory.__module__), "parse", None
    )
    return found if callable(found) else None


def as_json(mention: Any) -> dict[str, Any]:
    author = mention.author
    return {
        "id": mention.native_id,
        "source": mention.source,
        "url": mention.url,
        "title": mention.title,
        "author": author.name or author.handle,
        "author_handle": author.handle,
        "author_url": author.url,
        "author_reach": author.reach,
        "text": mention.text,
        "published_at": mention.published_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "lang": mention.language,
        "engagement": dict(mention.engagement),
    }


def _parse(args: argparse.Namespace) -> int:
    # Before any module creates the Logger: stdout is the mentions, not JSON logs.
    os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    from chalicelib.errors import SourceError
    from chalicelib.sources.registry import known_kinds

    if args.name not in known_kinds():
        known = ", ".join(known_kinds())
        print(f"tidings: unknown source {args.name!r} (known: {known})", file=sys.stderr)
        return 2
    parse = parser_for(args.name)
    if parse is None:
        print(f"tidings: source {args.name!r} has no parser for saved bodies", file=sys.stderr)
        return 2
    try:
        body = args.file.read_bytes()
    except OSError as error:
        print(f"tidings: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        mentions = list(parse(body))
    except (SourceError, ValueError, LookupError, TypeError, AttributeError) as error:
        reason = str(error).removeprefix(f"{args.name}: ") or type(error).__name__
        print(f"tidings: cannot parse {args.file} as {args.name}: {reason}", file=sys.stderr)
        return 1
    try:
        for mention in mentions:
            print(json.dumps(as_json(mention), ensure_ascii=False), flush=True)
    except BrokenPipeError:  # `| head`: the reader has all it wanted
        sys.stderr.close()
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    source = commands.add_parser("source", help="work with pull sources")
    actions = source.add_subparsers(dest="action", required=True)
    parse = actions.add_parser(
        "parse", help="print a saved API response of source NAME as mentions (JSON lines)"
    )
    parse.add_argument("name", metavar="NAME", help="the source's registry key, e.g. reddit")
    parse.add_argument("file", metavar="FILE", type=Path, help="the saved response body")
    parse.set_defaults(run=_parse)
