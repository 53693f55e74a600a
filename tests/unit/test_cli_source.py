"""`tidings source parse NAME FILE`: a saved response body as normalised mentions, JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _restore_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command quiets logs through the environment; put it back after each test."""
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")


def test_a_saved_body_prints_one_json_mention_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["source", "parse", "mastodon", str(FIXTURES / "mastodon/status_entity_example.json")]
    )

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(out) == 1
    mention = json.loads(out[0])
    assert mention["id"] == "https://mastodon.social/users/Gargron/statuses/103270115826048975"
    assert mention["source"] == "mastodon"
    assert mention["url"] == "https://mastodon.social/@Gargron/103270115826048975"
    assert mention["author"] == "Eugen"
    assert mention["author_reach"] == 322930  # account.followers_count
    assert mention["text"].startswith('"I lost my inheritance')
    assert mention["published_at"] == "2019-12-08T03:48:33.901000Z"
    assert mention["lang"] == "en"


@pytest.mark.parametrize(
    ("name", "payload", "count"),
    [
        ("reddit", "reddit/r_all_comments_before_cursor.json", 4),
        ("bluesky", "bluesky/getPostThread_postView_marshalx_fixture.json", 1),
        ("stackexchange", "stackexchange/questions_default_filter_sample_2_2.json", 5),
        ("github", "github/search_issues_response_body.json", 2),
        ("hackernews", "hackernews/search_by_date_page1.json", 2),
        ("rss", "rss/blog_atom.xml", 3),
    ],
)
def test_every_source_parses_its_saved_bodies(
    name: str, payload: str, count: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["source", "parse", name, str(FIXTURES / payload)]) == 0

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == count
    assert {line["source"] for line in lines} == {name}
    assert all(line["url"].startswith("http") for line in lines)


def test_a_body_it_cannot_parse_exits_non_zero_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "page.html"
    body.write_text("<html><body>Too many requests</body></html>")

    code = main(["source", "parse", "github", str(body)])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.strip() == f"tidings: cannot parse {body} as github: response is not JSON"


def test_an_unknown_source_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["source", "parse", "myspace", "x.json"])

    assert code == 2
    assert "unknown source 'myspace' (known: " in capsys.readouterr().err


def test_a_missing_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["source", "parse", "reddit", str(tmp_path / "nope.json")])

    assert code == 2
    assert "cannot read" in capsys.readouterr().err
