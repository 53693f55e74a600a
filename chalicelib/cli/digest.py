"""`tidings digest preview WATCH --period daily`: render a watch's digest to an HTML file (and
its plain-text part next to it), from the stores the environment points at, without sending.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path


def _preview(args: argparse.Namespace) -> int:
    os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    from chalicelib.handlers.digest_schedule import build_digest
    from chalicelib.notify.digest_html import as_html, as_text
    from chalicelib.services import services

    svc = services()
    watch = svc.watches.get(args.watch)
    if watch is None:
        print(f"tidings: no watch {args.watch!r}", file=sys.stderr)
        return 2
    now = datetime.fromisoformat(args.at).astimezone(UTC) if args.at else datetime.now(UTC)
    digest = build_digest(svc, watch, args.period, now)
    out = Path(args.out or f"digest-{watch.id}-{args.period}.html")
    out.write_text(as_html(digest), encoding="utf-8")
    out.with_suffix(".txt").write_text(as_text(digest), encoding="utf-8")
    print(f"{out} ({digest.volume} mentions, {digest.start:%Y-%m-%d} to {digest.end:%Y-%m-%d})")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    digest = commands.add_parser("digest", help="email digests")
    actions = digest.add_subparsers(dest="action", required=True)
    preview = actions.add_parser("preview", help="write a watch's digest as HTML, without sending")
    preview.add_argument("watch", help="the watch id")
    preview.add_argument("--period", choices=("daily", "weekly"), default="daily")
    preview.add_argument("--out", help="the HTML file (default: digest-WATCH-PERIOD.html)")
    preview.add_argument("--at", help="as if it were this ISO time (default: now)")
    preview.set_defaults(run=_preview)
