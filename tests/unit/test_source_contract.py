"""Every source in the registry keeps the same contract: it parses its recorded payloads into
clean mentions, builds a search for the query from its cursor, treats an empty page as nothing
new, and on a 429, a 500, a timeout or a malformed body fails with a `SourceError` (so the poll
does not move the cursor) without touching the cursor it was given.

A registry key without an entry in `tests/support/contracts.py` fails here: add one.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pytest

from chalicelib.cli.source import parser_for
from chalicelib.domain.models import FetchResult, SourceRef, Watch
from chalicelib.domain.ports import Connector
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.registry import known_kinds
from tests.support.contracts import CONTRACTS, Contract, body_of
from tests.support.http_stub import HttpStub, Reply

KINDS = known_kinds()
HTML_TAG = re.compile(r"</?(p|br|a|div|span)\b[^>]*>", re.IGNORECASE)


def contract_for(kind: str) -> Contract:
    if kind not in CONTRACTS:
        pytest.fail(
            f"source {kind!r} is registered but has no contract: add a Contract for it to "
            "CONTRACTS in tests/support/contracts.py",
            pytrace=False,
        )
    return CONTRACTS[kind]


@dataclass
class Harness:
    """One source pointed at a local stub, with a client that records its sleeps."""

    kind: str
    contract: Contract
    stub: HttpStub
    sleeps: list[float]

    def connector(self, *, timeout_s: float = 5.0, attempts: int = 2) -> Connector:
        settings = get_settings()
        settings = replace(self.contract.configure(settings, self.stub.base_url), poll_max_pages=2)
        http = HttpClient(
            self.kind,
            timeout_s=timeout_s,
            budget_s=60,
            max_attempts=attempts,
            sleep=self.sleeps.append,
        )
        prefix = settings.parameter_prefix + "/"
        secrets = self.contract.secrets
        return self.contract.build(
            settings, http, lambda name: secrets.get(name.removeprefix(prefix))
        )

    @property
    def source(self) -> SourceRef:
        return self.contract.source(self.stub.base_url)

    def watch(self) -> Watch:
        return Watch(id="acme", name="Acme", query=self.contract.query, sources=(self.source,))

    def serve(self, *replies: Reply) -> None:
        self.contract.prepare(self.stub)
        self.stub.serve(self.contract.path, *replies)

    def page(self) -> Reply:
        body = body_of(self.contract.page)
        return Reply(200, body, {"Content-Type": self.contract.content_type})

    def fetch(
        self,
        cursor: Mapping[str, Any] | None = None,
        *,
        timeout_s: float = 5.0,
        attempts: int = 2,
    ) -> FetchResult:
        position = self.contract.cursor if cursor is None else cursor
        connector = self.connector(timeout_s=timeout_s, attempts=attempts)
        return connector.fetch(self.watch(), self.source, position)


@pytest.fixture(params=KINDS)
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    contract = contract_for(request.param)
    with HttpStub() as stub:
        yield Harness(request.param, contract, stub, [])


@pytest.mark.parametrize("kind", KINDS)
def test_every_registered_source_has_a_contract(kind: str) -> None:
    assert contract_for(kind).payloads, f"{kind}: list at least one recorded payload"


@pytest.mark.parametrize("kind", KINDS)
def test_recorded_payloads_parse_into_clean_mentions(kind: str) -> None:
    contract = contract_for(kind)
    parse = parser_for(kind)
    assert parse is not None, f"{kind}: the connector's module needs a parse(body) function"
    for payload in contract.payloads:
        mentions = parse(body_of(payload))

        assert mentions, f"{payload} gave no mentions"
        for mention in mentions:
            assert mention.source == kind
            assert mention.native_id
            assert mention.url.startswith(("https://", "http://")), mention.url
            assert mention.published_at.utcoffset() is not None
            assert mention.published_at.utcoffset().total_seconds() == 0
            assert not HTML_TAG.search(mention.text), mention.text[:200]
            assert not HTML_TAG.search(mention.title), mention.title


def test_a_poll_searches_for_the_query_from_the_cursor_and_moves_it(harness: Harness) -> None:
    harness.serve(harness.page())

    result = harness.fetch()

    assert result.mentions, "the recorded page gave no new mentions"
    assert {m.source for m in result.mentions} == {harness.kind}
    searches = harness.stub.requests_to(harness.contract.path)
    assert searches
    harness.contract.expect_request(searches[0])
    assert result.cursor != harness.contract.cursor


def test_an_empty_page_is_nothing_new_and_keeps_the_position(harness: Harness) -> None:
    harness.serve(Reply(200, body_of(harness.contract.empty), {"Content-Type": "text/plain"}))
    after_empty = harness.fetch()
    assert after_empty.mentions == ()

    harness.serve(harness.page())
    from_kept = harness.fetch(dict(after_empty.cursor))
    from_original = harness.fetch()

    assert [m.native_id for m in from_kept.mentions] == [
        m.native_id for m in from_original.mentions
    ]


def test_a_429_waits_as_asked_then_fails_transiently_with_the_cursor_intact(
    harness: Harness,
) -> None:
    harness.serve(Reply(429, "slow down", {"Retry-After": "7"}))
    cursor = copy.deepcopy(dict(harness.contract.cursor))

    with pytest.raises(SourceError) as raised:
        harness.fetch(cursor)

    assert raised.value.transient
    assert 7.0 in harness.sleeps
    assert cursor == harness.contract.cursor


def test_a_500_fails_transiently_with_the_cursor_intact(harness: Harness) -> None:
    harness.serve(Reply(500, "oops"))
    cursor = copy.deepcopy(dict(harness.contract.cursor))

    with pytest.raises(SourceError) as raised:
        harness.fetch(cursor)

    assert raised.value.transient
    assert "500" in str(raised.value)
    assert cursor == harness.contract.cursor


def test_a_timeout_fails_transiently_with_the_cursor_intact(harness: Harness) -> None:
    harness.serve(Reply(200, b"{}", delay_s=2.0))
    cursor = copy.deepcopy(dict(harness.contract.cursor))

    with pytest.raises(SourceError) as raised:
        harness.fetch(cursor, timeout_s=0.3, attempts=1)

    assert raised.value.transient
    assert "did not answer" in str(raised.value)
    assert cursor == harness.contract.cursor


def test_a_malformed_body_fails_permanently_with_the_cursor_intact(harness: Harness) -> None:
    harness.serve(Reply(200, '{"unexpected": ', {"Content-Type": "application/json"}))
    cursor = copy.deepcopy(dict(harness.contract.cursor))

    with pytest.raises(SourceError) as raised:
        harness.fetch(cursor)

    assert not raised.value.transient
    assert cursor == harness.contract.cursor
