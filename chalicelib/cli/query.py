"""`tidings query test QUERY`: try a query on JSON lines before saving it in a watch.

Each input line is `{"text": ..., "title"?, "lang"?, "source"?, "author"?, "url"?}`; each is
written back with `"match"`, `"terms"`, `"spans"` and `"why"`. An invalid query exits 2 with the
parse error; a line that is not such an object is reported on stderr and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
import sys


def _test(args: argparse.Namespace) -> int:
    from chalicelib.domain.query import QueryError
    from chalicelib.domain.query.trial import QueryTrial, document_from_item

    try:
        trial = QueryTrial(args.query)
    except QueryError as error:
        print(f"tidings: query: {error}", file=sys.stderr)
        print(f"  {args.query}\n  {' ' * error.position}^", file=sys.stderr)
        return 2
    status = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            print(f"tidings: line {number}: not JSON: {error}", file=sys.stderr)
            status = 1
            continue
        try:
            doc = document_from_item(item)
        except ValueError as error:
            print(f"tidings: line {number}: {error}", file=sys.stderr)
            status = 1
            continue
        out = {**item, **trial.report(doc)}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return status


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = commands.add_parser("query", help="work with the query language")
    actions = query.add_subparsers(dest="action", required=True)
    test = actions.add_parser(
        "test",
        help="match JSON lines on stdin against a query",
        description='Reads {"text": ..., "lang"?, "source"?, "author"?, "url"?} lines on stdin '
        'and writes each back with "match" and the matched "spans".',
    )
    test.add_argument("query", help="the query, e.g. 'Acme OR \"Acme Cloud\" -jobs'")
    test.set_defaults(run=_test)
