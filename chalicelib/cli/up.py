"""`tidings up`: the whole of Tidings on this machine, on DynamoDB Local and moto's server."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.local.config import LocalConfig

DEFAULT_HOME = Path(".tidings")


def _up(args: argparse.Namespace) -> int:
    if not args.verbose:
        # Before any module creates the Logger: the terminal shows alerts, not JSON logs.
        os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    from chalicelib.errors import TidingsError
    from chalicelib.local.config import parse_config, read_config, uses_demo_feed
    from chalicelib.local.demo import DemoFeedServer
    from chalicelib.local.stack import LocalStack

    try:
        raw = read_config(args.config)
        demo = DemoFeedServer(float(raw.get("local", {}).get("demo_interval_s", 10)))
        demo_url = demo.start().url if uses_demo_feed(raw) else ""
        config = parse_config(raw, demo_url)
    except TidingsError as error:
        print(f"tidings: {error}", file=sys.stderr)
        return 2
    stack = LocalStack(home=args.home, persist=not args.in_memory)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("Starting DynamoDB Local and moto's server…", flush=True)
        stack.start()
        stack.configure(config)
        api = stack.serve_api(args.port or config.api_port)
        _banner(config, api, demo_url, stack.create_api_key())
        stack.run(args.interval or config.poll_interval_s, duration_s=args.duration)
    except KeyboardInterrupt:
        pass
    except TidingsError as error:
        print(f"tidings: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("Stopping…", flush=True)
        stack.stop()
        if demo_url:
            demo.stop()
        print("Stopped.", flush=True)
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C and SIGTERM stop at once, even mid-poll: a source that hangs or is retried with
    backoff (offline, Hacker News can take a minute to give up) must not hold the terminal. A
    delivery cut short is finished by its retry on the next `tidings up`, as on Lambda."""
    raise KeyboardInterrupt


def _banner(config: LocalConfig, api: str, demo_url: str, api_key: str) -> None:
    from chalicelib.webhooks.signing import sign

    lines = [
        f'Tidings is listening. API: {api}  (try: curl -H "Authorization: Bearer '
        f'$TIDINGS_KEY" {api}/watches)',
        f"API key: {api_key}  (export TIDINGS_KEY={api_key}; more: tidings keys create NAME)",
        f"Watches: {', '.join(w.id for w in config.watches) or 'none'}",
    ]
    if demo_url:
        lines.append(f"Demo feed: {demo_url} publishes a post every {config.demo_interval_s:g}s")
    for name, secret in list(config.integrations.items())[:1]:
        body = '{"id":"1","text":"Tidings looks great","published_at":"2026-01-01T00:00:00Z"}'
        ts = int(time.time())
        lines.append(
            f"Webhook '{name}': POST {api}/webhooks/generic/{name} signed with its secret, e.g.\n"
            f"  curl -X POST {api}/webhooks/generic/{name} -H 'Content-Type: application/json' "
            f"-H 'X-Tidings-Timestamp: {ts}' -H 'X-Tidings-Signature: "
            f"{sign(secret, ts, body.encode())}' -d '{body}'   (valid for 5 minutes)"
        )
    lines.append("Alerts print below. Ctrl-C stops everything.\n")
    print("\n".join(lines), flush=True)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = commands.add_parser("up", help="run Tidings locally on DynamoDB Local and moto")
    up.add_argument("--config", type=Path, default=Path("config/demo.toml"))
    up.add_argument("--home", type=Path, default=DEFAULT_HOME, help="local data and tools")
    up.add_argument("--port", type=int, default=0, help="API port (default: from the config)")
    up.add_argument("--interval", type=float, default=0, help="seconds between schedule ticks")
    up.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    up.add_argument("--in-memory", action="store_true", help="keep no data between runs")
    up.add_argument("--verbose", action="store_true", help="show the functions' JSON logs")
    up.set_defaults(run=_up)
