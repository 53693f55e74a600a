"""`tidings query test QUERY`: JSON lines in, each written back saying whether and where it
matched."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from chalicelib.cli import main


def run(
    argv: list[str], lines: list[Any], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> tuple[int, list[dict[str, Any]], str]:
    stdin = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_each_line_comes_back_with_match_and_spans(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given three mentions, one of them a job ad and one in German
    lines = [
        {"text": "Acme Cloud is down again", "source": "reddit"},
        {"text": "Acme is hiring: jobs in Berlin"},
        {"text": "Acme ist super", "lang": "de", "author": "@dana"},
    ]

    # When they are matched against a query that excludes jobs
    code, out, err = run(["query", "test", "Acme -jobs"], lines, monkeypatch, capsys)

    # Then each comes back as it was, with whether it matched and where
    assert (code, err) == (0, "")
    assert [o["match"] for o in out] == [True, False, True]
    assert out[0] == {
        **lines[0],
        "match": True,
        "terms": ["Acme"],
        "spans": [{"field": "text", "start": 0, "end": 4, "term": "Acme", "text": "Acme"}],
        "why": "matched Acme",
    }
    assert out[1]["why"] == "found Acme; excluded by -jobs"
    assert out[2]["author"] == "@dana"


def test_filters_read_the_optional_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": "Acme", "lang": "de", "url": "https://news.example.de/1", "author": "Maya"},
        {"text": "Acme", "lang": "en", "url": "https://news.example.de/1", "author": "Maya"},
        {"text": "Acme", "lang": "de", "url": "https://example.com/1", "author": "Maya"},
        {"text": "Acme", "lang": "de", "url": "https://example.de/1", "author": {"name": "Ann"}},
    ]

    code, out, _ = run(
        ["query", "test", "Acme lang:de site:example.de author:maya"], lines, monkeypatch, capsys
    )

    assert code == 0
    assert [o["match"] for o in out] == [True, False, False, False]
    assert out[1]["why"] == "found Acme; lang:de does not hold (lang: en)"


def test_an_invalid_query_exits_2_with_the_parse_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["query", "test", "Acme AND"], [{"text": "Acme"}], monkeypatch, capsys)

    assert code == 2
    assert out == []
    assert err.splitlines() == [
        'tidings: query: position 8: expected a term, a "phrase" or "(" after AND',
        "  Acme AND",
        "          ^",
    ]


def test_a_bad_line_is_reported_and_the_rest_still_answered(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["not json", {"title": "no text"}, "", {"text": "Acme"}]

    code, out, err = run(["query", "test", "Acme"], lines, monkeypatch, capsys)

    assert code == 1
    assert [o["match"] for o in out] == [True]
    assert err.splitlines()[0].startswith("tidings: line 1: not JSON")
    assert (
        err.splitlines()[1] == 'tidings: line 2: each item must be an object with a "text" string'
    )
