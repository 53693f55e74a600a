"""`tidings analyse`: JSON lines in, the same lines with lang, sentiment and score out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def analyse(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "analyse"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_each_line_comes_back_with_language_sentiment_and_score() -> None:
    lines = [
        {"text": "This is not bad at all :)", "id": 1},
        {"text": "Der Support ist eine Katastrophe, total enttäuscht"},
        {"text": "Il servizio è stato ottimo, lo consiglio a tutti"},
        {"text": "Thanks, works great", "lang": "en-US"},
    ]

    done = analyse("".join(json.dumps(line) + "\n" for line in lines))

    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(o["lang"], o["sentiment"]) for o in out] == [
        ("en", "positive"),
        ("de", "negative"),
        ("it", "unscored"),
        ("en", "positive"),
    ]
    assert out[0]["id"] == 1
    assert out[0]["score"] > 0
    assert out[2]["score"] is None


def test_a_bad_line_is_reported_and_skipped() -> None:
    done = analyse('{"text": "Great service"}\nnot json\n{"no_text": 1}\n\n')

    assert done.returncode == 1
    assert [json.loads(line)["sentiment"] for line in done.stdout.splitlines()] == ["positive"]
    assert "line 2: not JSON" in done.stderr
    assert 'line 3: not an object with a "text" string' in done.stderr
