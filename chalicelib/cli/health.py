"""`tidings health [--url URL]`: each (watch, source) as one line, then the API budgets.

With `--url` it reads the API's `/health` route (e.g. the deployed API's URL); without, it asks
the services the environment points at, as the route does. Exits 1 when a source is failing.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

COLUMNS = ("WATCH", "SOURCE", "STATUS", "FETCHED", "LAST SUCCESS")


def render(report: dict[str, Any]) -> list[str]:
    """Plain-text lines: a table of sources (errors under their line) and the budgets."""
    rows = [COLUMNS]
    errors: dict[int, str] = {}
    for line in report.get("sources", []):
        status = "ok" if line.get("ok") else str(line.get("error_kind") or "error")
        fetched = line.get("items_fetched")
        rows.append(
            (
                str(line["watch_id"]),
                str(line["source"]),
                status,
                "-" if fetched is None else str(fetched),
                str(line.get("last_success_at") or "never"),
            )
        )
        if line.get("last_error"):
            errors[len(rows) - 1] = str(line["last_error"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    out = []
    for index, row in enumerate(rows):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index in errors:
            out.append(f"    {errors[index]}")
    if len(rows) == 1:
        out.append("(no source has been polled yet)")
    budgets = report.get("budgets") or []
    if budgets:
        out.append("")
        out.append("BUDGETS")
    for budget in budgets:
        who = f"watch {budget['watch_id']}" if budget.get("watch_id") else "all watches"
        state = "  USED UP" if budget.get("exhausted") else ""
        out.append(
            f"{budget['source']} ({who}): {budget['used']}/{budget['limit']} {budget['unit']} "
            f"until {budget['resets_at']}{state}"
        )
    return out


def _from_api(url: str, timeout_s: float) -> dict[str, Any]:
    import requests

    try:
        response = requests.get(url.rstrip("/") + "/health", timeout=timeout_s)
        response.raise_for_status()
        return dict(response.json())
    except (requests.RequestException, ValueError) as error:
        raise OSError(str(error)) from None


def _health(args: argparse.Namespace) -> int:
    os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    try:
        if args.url:
            report = _from_api(args.url, args.timeout)
        else:
            from chalicelib.handlers.health_api import health

            report = health()
    except OSError as error:
        print(f"tidings: cannot read health: {error}", file=sys.stderr)
        return 2
    for line in render(report):
        print(line)
    return 0 if all(line.get("ok") for line in report.get("sources", [])) else 1


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    health = commands.add_parser("health", help="show each watch's sources and the API budgets")
    health.add_argument("--url", help="the API's base URL (default: read the stores directly)")
    health.add_argument("--timeout", type=float, default=10.0, help="seconds (10)")
    health.set_defaults(run=_health)
