"""The `tidings` command. Each subcommand lives in its own module with a `register` function;
adding one is a module here and a line in COMMANDS."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from chalicelib.cli import alerts, analyse, backfill, digest, health, keys, query, source, up

COMMANDS = (up, source, analyse, query, backfill, health, digest, keys, alerts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tidings", description="Tidings: social listening.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    args = parser.parse_args(argv)
    return int(args.run(args))
