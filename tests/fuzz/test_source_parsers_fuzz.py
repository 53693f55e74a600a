"""Every registered source's parser fed arbitrary bytes and mutated recorded responses: it
returns mentions the pipeline can store, or fails with a SourceError (the poll keeps its cursor
and reports the source), never a KeyError, TypeError or the like that would kill the worker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.cli.source import parser_for
from chalicelib.domain.models import Mention
from chalicelib.errors import SourceError
from chalicelib.sources.registry import known_kinds
from tests.fuzz.mutations import assert_usable, payloads, recorded

pytestmark = pytest.mark.fuzz

# Per source, a few hand-written regressions (each a bug this test found) beside the mutations.
REGRESSIONS: dict[str, list[bytes]] = {
    "bluesky": [b'{"posts": 3}', b'{"thread": {"replies": 1, "post": {"record": []}}}'],
    "github": [b'{"data": 1}', b'{"items": [1]}', b'{"errors": {"message": "x"}}'],
    "hackernews": [
        b'{"hits": [{"objectID": "1", "created_at_i": 1542316234, "_tags": true}]}',
        b'{"hits": [{"objectID": "1", "created_at_i": 1e300}]}',
    ],
    "mastodon": [b'[{"id": "1", "created_at": "2026-01-01T00:00:00Z", "account": 5}]'],
    "reddit": [
        b'<?xml version="1.0" encoding="\x80"?><feed/>',
        b'{"data": {"children": [{"kind": "t3", "data": {"name": "t3_x", "created_utc": 1e300}}]}}',
    ],
    "rss": [
        recorded("rss")[-1].replace(b"<width>", b"=width>"),
        b'<?xml version="1.0" encoding="\x80"?><rss/>',
        b'<?xml version="1.0" encoding="x\x00"?><rss/>',
    ],
    "stackexchange": [b'{"items": [{"link": "https://x.example", "creation_date": 1e300}]}'],
    "x": [b'{"data": 1}', b'{"data": [{"id": "99999999999999999999999999999"}]}'],
    "youtube": [b"garbage", b"\xff\xfe", b'{"items": 5}'],
}


def _parser(kind: str) -> Callable[[bytes], list[Mention]]:
    parse = parser_for(kind)
    assert parse is not None, f"{kind} has no parse(body)"
    return parse


def _check(kind: str, body: bytes) -> None:
    try:
        mentions = _parser(kind)(body)
    except SourceError as error:
        failed = error
    else:
        for mention in mentions:
            assert_usable(mention)
        return
    assert failed.source == kind


@pytest.mark.parametrize("kind", known_kinds())
def test_the_recorded_payloads_parse(kind: str) -> None:
    # Given every recorded response of a source, Then its parser returns clean mentions
    bodies = recorded(kind)
    assert bodies, f"no recorded payloads in tests/fixtures/{kind}/"
    for body in [*bodies, *REGRESSIONS.get(kind, [])]:
        _check(kind, body)


@pytest.mark.parametrize("kind", known_kinds())
@settings(max_examples=settings.default.max_examples * 3 // 4)  # ten sources: keep the run short
@given(data=st.data())
def test_mutated_responses_parse_or_fail_with_a_source_error(
    kind: str, data: st.DataObject
) -> None:
    # Given a recorded response broken in some way, When it is parsed, Then mentions or a
    # SourceError naming the source
    _check(kind, data.draw(payloads(recorded(kind)), label="body"))
