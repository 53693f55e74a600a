"""Mastodon against a local instance: hashtag timelines paged forward, search with a token, and
hashtag feeds an instance disabled or restricted reported as such rather than looking empty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.mastodon import MastodonConnector, hashtags, parse
from tests.support.http_stub import HttpStub, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mastodon"
STATUS = json.loads((FIXTURES / "status_entity_example.json").read_text())


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector(stub: HttpStub, token: str | None = None) -> MastodonConnector:
    settings = replace(get_settings(), mastodon_scheme="http", parameter_prefix="/t")
    host = stub.base_url.removeprefix("http://").replace(":", "_")
    secrets = {f"/t/sources/mastodon/{host}/token": token} if token else {}
    http = HttpClient("mastodon", timeout_s=5, sleep=lambda _: None, max_attempts=1)
    return MastodonConnector(settings, http=http, secrets=secrets.get)


def poll(stub: HttpStub, query: str, cursor: dict[str, Any], token: str | None = None) -> Any:
    source = SourceRef("mastodon", stub.base_url.removeprefix("http://"))
    watch = Watch(id="acme", name="Acme", query=query, sources=(source,))
    return connector(stub, token).fetch(watch, source, cursor)


def status(status_id: str, text: str = "Acme") -> dict[str, Any]:
    return {**STATUS, "id": status_id, "uri": f"https://x.example/{status_id}", "content": text}


def test_terms_become_hashtags_once_whatever_their_case() -> None:
    assert hashtags(("Acme Cloud", "acme", "ACME", "Café-Acme")) == [
        "AcmeCloud",
        "acme",
        "CaféAcme",
    ]


def test_a_recorded_status_becomes_a_mention_with_reach_and_engagement() -> None:
    [mention] = parse((FIXTURES / "status_entity_example.json").read_bytes())

    assert mention.url == "https://mastodon.social/@Gargron/103270115826048975"
    assert mention.text.startswith('"I lost my inheritance with one wrong digit on my sort code"')
    assert mention.author.handle == "@Gargron"
    assert mention.author.reach == STATUS["account"]["followers_count"]
    assert mention.language == "en"
    assert mention.engagement == {"replies": 5, "reblogs": 6, "favourites": 11, "quotes": 2}


def test_a_timeline_pages_forward_from_the_newest_status_seen(stub: HttpStub) -> None:
    # Given a full page of 40 statuses newer than the cursor, then a shorter one
    first = [status(str(1000 + i)) for i in range(40, 0, -1)]
    stub.serve("/api/v1/timelines/tag/Acme", Reply.json(first), Reply.json([status("2000")]))

    # When the watch is polled from status 1000
    result = poll(stub, "Acme", {"min_id": {"tag:acme": "1000"}})

    # Then the second page starts after the newest of the first, and the cursor is the newest
    requests = stub.requests_to("/api/v1/timelines/tag/Acme")
    assert [r.query["min_id"] for r in requests] == ["1000", "1040"]
    assert len(result.mentions) == 41
    assert result.cursor["min_id"] == {"tag:acme": "2000"}


def test_search_is_used_when_a_token_is_configured(stub: HttpStub) -> None:
    # Given a token for the instance and a search result
    stub.serve("/api/v1/timelines/tag/AcmeCloud", Reply.json([]))
    stub.serve("/api/v2/instance", Reply(404))
    stub.serve("/api/v2/search", Reply.json({"accounts": [], "statuses": [status("5")]}))

    # When a watch for "Acme Cloud" is polled
    result = poll(stub, '"Acme Cloud"', {}, token="tok")

    # Then the search asked for statuses with the token, and found the status
    search = stub.requests_to("/api/v2/search")[0]
    assert search.query["q"] == "Acme Cloud"
    assert search.query["type"] == "statuses"
    assert search.headers["authorization"] == "Bearer tok"
    assert [m.native_id for m in result.mentions] == ["https://x.example/5"]
    assert result.cursor["min_id"]["search:Acme Cloud"] == "5"


def instance(local: str, remote: str) -> Reply:
    access = {"hashtag_feeds": {"local": local, "remote": remote}}
    return Reply.json({"domain": "x", "configuration": {"timelines_access": access}})


def test_disabled_hashtag_feeds_are_reported_not_shown_as_quiet(stub: HttpStub) -> None:
    # Given an instance whose hashtag feeds are disabled (they answer an empty list)
    stub.serve("/api/v1/timelines/tag/Acme", Reply.json([]))
    stub.serve("/api/v2/instance", instance("disabled", "disabled"))

    # When polled, Then the error says so, and is not retried
    with pytest.raises(SourceError, match="has disabled its hashtag feeds") as raised:
        poll(stub, "Acme", {})
    assert not raised.value.transient


def test_hashtag_feeds_for_signed_in_users_ask_for_a_token(stub: HttpStub) -> None:
    stub.serve("/api/v1/timelines/tag/Acme", Reply.json([]))
    stub.serve("/api/v2/instance", instance("authenticated", "authenticated"))

    with pytest.raises(SourceError, match=r"signed-in users only: set SSM parameter /t/sources"):
        poll(stub, "Acme", {})


def test_a_quiet_public_hashtag_is_simply_empty(stub: HttpStub) -> None:
    stub.serve("/api/v1/timelines/tag/Acme", Reply.json([]))
    stub.serve("/api/v2/instance", instance("public", "public"))

    result = poll(stub, "Acme", {"min_id": {"tag:acme": "7"}})

    assert result.mentions == ()
    assert result.cursor["min_id"] == {"tag:acme": "7"}


def test_a_source_without_an_instance_is_a_clear_error() -> None:
    source = SourceRef("mastodon")
    watch = Watch(id="acme", name="Acme", query="Acme", sources=(source,))
    with pytest.raises(SourceError, match="names no instance"):
        MastodonConnector(get_settings(), secrets={}.get).fetch(watch, source, {})
