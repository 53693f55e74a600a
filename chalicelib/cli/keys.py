"""`tidings keys create NAME | revoke ID | list`: the API keys of the Tidings the environment
points at (the `TIDINGS_*` variables of the deployed functions, or of a local stack). A new
key is printed once; only its SHA-256 is stored."""

from __future__ import annotations

import argparse
import os
import re
import sys

NAME = re.compile(r"^[\w .@-]{1,64}$")


def _keys(args: argparse.Namespace) -> int:
    os.environ.update({"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"})
    from chalicelib.services import services

    repository = services().api_keys
    if args.action == "create":
        if not NAME.fullmatch(args.name):
            print("tidings: a key's name is 1-64 letters, digits, spaces, . @ - _", file=sys.stderr)
            return 2
        key, full = repository.create(args.name)
        print(f"Created key {key.key_id} for {key.name!r}. It is shown only once:")
        print(full)
        return 0
    if args.action == "revoke":
        if not repository.revoke(args.key_id):
            print(f"tidings: no key {args.key_id!r}", file=sys.stderr)
            return 1
        print(f"Revoked key {args.key_id}.")
        return 0
    for key in repository.list():
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        print(f"{key.key_id}  {key.name}  created {key.created_at:%Y-%m-%d %H:%M}  {state}")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="create, revoke and list API keys")
    actions = keys.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key and print it once")
    create.add_argument("name", help="who or what uses it, e.g. dashboard or maya")
    revoke = actions.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    actions.add_parser("list", help="list keys (never their secrets)")
    keys.set_defaults(run=_keys)
