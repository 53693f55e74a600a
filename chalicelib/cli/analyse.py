"""`tidings analyse`: the analyser on any data set, as JSON lines in and out.

Each input line is `{"text": ...}`, optionally with `"lang"` (then taken as the language, not
detected). Each is written back with `"lang"`, `"sentiment"` and `"score"` added; other fields
are kept. A line that is not such an object is reported on stderr and skipped (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, Any


def analyse_lines(lines: IO[str], out: IO[str], err: IO[str]) -> int:
    from chalicelib.analysis import language, sentiment
    from chalicelib.settings import get_settings

    expected = get_settings().languages
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record, problem = _parse(line)
        if record is None:
            print(f"tidings analyse: line {number}: {problem}", file=err)
            bad += 1
            continue
        given = record.get("lang")
        lang = (
            language.normalise_hint(given)
            if isinstance(given, str) and given.strip()
            else language.detect(record["text"], expected=expected)
        )
        label, score = sentiment.sentiment(record["text"], lang)
        record.update(lang=lang, sentiment=label, score=score)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1 if bad else 0


def _parse(line: str) -> tuple[dict[str, Any] | None, str]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return None, f"not JSON ({error.msg})"
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return None, 'not an object with a "text" string'
    return record, ""


def _analyse(args: argparse.Namespace) -> int:
    return analyse_lines(sys.stdin, sys.stdout, sys.stderr)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "analyse",
        help="language and sentiment of JSON lines on stdin",
        description='Reads JSON lines {"text": ..., "lang"?: ...} on stdin and writes each back '
        'with "lang", "sentiment" (positive, neutral, negative or unscored) and "score".',
    )
    command.set_defaults(run=_analyse)
