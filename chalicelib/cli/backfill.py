"""`tidings backfill WATCH [--source KIND] [--pages N] [--days D]`: a new watch's history.

Runs where the environment points (the TIDINGS_* variables a deployed function has, or those of
a local stack), one page a step through the real pipeline, with a progress bar. Sources the
watch has already polled are left alone: backfill is for a new watch. The cursor it leaves is
the one scheduled polls carry on from, at the newest mention.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.domain.backfill import Progress

BAR_WIDTH = 10


def progress_bar(progress: Progress) -> str:
    """`[#####.....] 5/10 pages, 431 mentions (12 new)`; full when the source had no more."""
    share = 1.0 if progress.done else progress.pages / max(1, progress.max_pages)
    filled = round(share * BAR_WIDTH)
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    line = (
        f"[{bar}] {progress.pages}/{progress.max_pages} pages, "
        f"{progress.fetched} mentions ({progress.stored} new)"
    )
    return line + (", all fetched" if progress.done else "")


def _backfill(args: argparse.Namespace) -> int:
    if not args.verbose:
        os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    from chalicelib.domain.backfill import run_backfill
    from chalicelib.errors import SourceError
    from chalicelib.services import services
    from chalicelib.sources.backfill import pages_per_step, pending, seed_cursor
    from chalicelib.sources.registry import connector_for

    svc = services()
    watch = svc.watches.get(args.watch)
    if watch is None:
        print(f"tidings: no watch {args.watch!r}", file=sys.stderr)
        return 2
    sources = [s for s in watch.sources if args.source in (None, s.kind)]
    if not sources:
        print(f"tidings: watch {watch.id!r} has no source {args.source!r}", file=sys.stderr)
        return 2
    pipeline = svc.pipeline()
    status = 0
    for source in sources:
        if svc.cursors.get(watch.id, source.id).position:
            print(f"{source.id}: already polled, skipped (backfill is for a new watch)")
            continue
        print(f"{source.id}:", flush=True)
        # a resumable run moves one page a step (the bar moves); others page back at once
        per_step = pages_per_step(source.kind, args.pages)
        settings = replace(svc.settings, poll_max_pages=per_step)
        try:
            run_backfill(
                watch,
                source,
                seed=seed_cursor(source.kind, datetime.now(UTC), args.days),
                pages=max(1, args.pages // per_step),
                cursors=svc.cursors,
                connector=connector_for(source.kind, settings),
                pipeline=pipeline,
                pending=pending,
                on_progress=lambda p: print(f"  {progress_bar(p)}", flush=True),
            )
        except SourceError as error:
            print(f"  stopped: {error}", file=sys.stderr)
            status = 1
    return status


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backfill = commands.add_parser(
        "backfill", help="fetch a new watch's history further back than a poll goes"
    )
    backfill.add_argument("watch", metavar="WATCH", help="the watch's id")
    backfill.add_argument("--source", metavar="KIND", help="only this source kind, e.g. youtube")
    backfill.add_argument(
        "--pages", type=int, default=10, help="at most this many pages per source (10)"
    )
    backfill.add_argument("--days", type=int, default=30, help="how far back to start (30)")
    backfill.add_argument("-v", "--verbose", action="store_true", help="JSON logs on stderr")
    backfill.set_defaults(run=_backfill)
