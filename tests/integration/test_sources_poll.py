"""Each pull source end to end: a local server answers with the source's recorded payload, the
schedule plans the poll, the real poll worker fetches it into DynamoDB Local, the feed API shows
the mentions and the cursor has moved. Credentials live in moto's SSM, as in AWS."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.aws.clients import client
from chalicelib.local.provision import LOCAL_VISIBILITY_S, put_secret
from chalicelib.local.stack import LocalStack
from chalicelib.settings import get_settings
from chalicelib.sources import bluesky
from chalicelib.store.tables import CursorModel
from tests.support.http_stub import HttpStub, Reply

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def recorded(name: str) -> Reply:
    return Reply(200, (FIXTURES / name).read_bytes(), {"Content-Type": "application/json"})


def bluesky_page() -> Reply:
    """The recorded postView has no text: give it one the watch listens for."""
    page = json.loads(
        (FIXTURES / "bluesky/searchPosts_envelope_with_marshalx_postView.json").read_text()
    )
    page.pop("cursor")
    page["posts"][0]["record"]["text"] = "Tidings found this post about Tidings"
    return Reply.json(page)


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    routes: Callable[[], dict[str, Reply]]
    target: Callable[[HttpStub], str] = lambda platform: ""
    secrets: dict[str, str] = field(default_factory=dict)
    expected: int = 1
    reach: int | None = None  # the first mention's author reach, where the platform gives it


CASES = [
    Case(
        "reddit",
        "PRAW",
        lambda: {
            "/reddit-auth": recorded("reddit/access_token_client_credentials_response.json"),
            "/reddit/r/all/search": recorded("reddit/search_listing_oauth_2016.json"),
        },
        secrets={"reddit/client-id": "client", "reddit/client-secret": "secret"},
        expected=6,  # a search for "praw" recorded by PRAW's tests: every post names it
    ),
    Case(
        "mastodon",
        "inheritance",
        lambda: {
            "/api/v1/timelines/tag/inheritance": recorded(
                "mastodon/timeline_tag_from_status_example.json"
            )
        },
        target=lambda platform: platform.base_url.removeprefix("http://"),
        reach=322930,
    ),
    Case(
        "bluesky",
        "Tidings",
        lambda: {
            "/xrpc/com.atproto.server.createSession": Reply.json(
                {"accessJwt": "a", "refreshJwt": "r", "did": "did:plc:t", "handle": "t"}
            ),
            "/xrpc/app.bsky.feed.searchPosts": bluesky_page(),
            "/xrpc/app.bsky.actor.getProfiles": Reply.json(
                {"profiles": [{"handle": "test.marshal.dev", "followersCount": 42}]}
            ),
        },
        secrets={"bluesky/identifier": "tidings.bsky.social", "bluesky/app-password": "pw"},
        reach=42,
    ),
    Case(
        "stackexchange",
        "openshift",
        lambda: {
            "/se/search/advanced": recorded(
                "stackexchange/questions_default_filter_sample_2_2.json"
            )
        },
        target=lambda platform: "stackoverflow",
        secrets={"stackexchange/key": "app-key"},
        expected=5,
    ),
    Case(
        "github",
        "sesame",
        lambda: {"/gh/search/issues": recorded("github/search_issues_response_body.json")},
        expected=2,
    ),
]


@pytest.fixture(autouse=True)
def platform_urls(platform: HttpStub, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every platform on the local stub (set before the stack reads its settings)."""
    for name, value in {
        "TIDINGS_REDDIT_URL": platform.url("/reddit"),
        "TIDINGS_REDDIT_AUTH_URL": platform.url("/reddit-auth"),
        "TIDINGS_REDDIT_PUBLIC_URL": platform.url("/reddit-public"),
        "TIDINGS_MASTODON_SCHEME": "http",
        "TIDINGS_BLUESKY_URL": platform.base_url,
        "TIDINGS_STACKEXCHANGE_URL": platform.url("/se"),
        "TIDINGS_GITHUB_URL": platform.url("/gh"),
        "TIDINGS_GITHUB_GRAPHQL_URL": platform.url("/gh/graphql"),
    }.items():
        monkeypatch.setenv(name, value)
    bluesky.reset_sessions()
    yield
    bluesky.reset_sessions()


@pytest.fixture
def ssm() -> Iterator[Callable[[str, str], None]]:
    """Put source credentials into moto's SSM; removed afterwards, as moto outlives the test."""
    names: list[str] = []
    prefix = get_settings().parameter_prefix

    def put(name: str, value: str) -> None:
        names.append(f"{prefix}/sources/{name}")
        put_secret(names[-1], value)

    yield put
    if names:
        client("ssm").delete_parameters(Names=names)


def create_watch(api: Client, **fields: Any) -> None:
    response = api.http.post(
        "/watches", headers={"Content-Type": "application/json"}, body=json.dumps(fields)
    )
    assert response.status_code == 201, response.body


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_a_recorded_page_reaches_the_feed_and_moves_the_cursor(
    case: Case, stack: LocalStack, api: Client, platform: HttpStub, ssm: Callable[[str, str], None]
) -> None:
    # Given the platform answers with its recorded payload and the credentials are in SSM
    for path, reply in case.routes().items():
        platform.serve(path, reply)
    for name, value in case.secrets.items():
        ssm(name, value)
    source = {"kind": case.kind, "target": case.target(platform)}
    create_watch(api, id="acme", name="Acme", query=case.query, sources=[source])

    # When the schedule runs and the queues drain
    stack.tick()
    stack.drain()

    # Then the matching mentions are in the watch's feed, with absolute links
    items = json.loads(api.http.get("/watches/acme/mentions").body)["items"]
    assert len(items) == case.expected
    assert {item["source"] for item in items} == {case.kind}
    assert all(
        item["url"].startswith("https://") or item["url"].startswith("http://") for item in items
    )
    if case.reach is not None:
        assert items[0]["author"]["reach"] == case.reach
    # And the poll succeeded and left a cursor to start from next time
    [cursor] = CursorModel.query("acme")
    assert cursor.last_error is None
    assert cursor.position
    health = json.loads(api.http.get("/health").body)
    assert health["sources"][0]["ok"] is True


def test_missing_credentials_are_reported_on_health_not_retried(
    stack: LocalStack, api: Client, platform: HttpStub
) -> None:
    # Given a Bluesky source and no app password in SSM
    prefix = get_settings().parameter_prefix
    client("ssm").delete_parameters(
        Names=[f"{prefix}/sources/bluesky/identifier", f"{prefix}/sources/bluesky/app-password"]
    )
    create_watch(api, id="acme", name="Acme", query="Tidings", sources=["bluesky"])

    # When it is polled
    stack.tick()
    stack.drain()

    # Then health says which parameters to set, and nothing reached the platform
    [source] = json.loads(api.http.get("/health").body)["sources"]
    assert source["ok"] is False
    assert source["error_kind"] == "credentials"
    assert "credentials missing: set SSM parameter" in source["last_error"]
    assert "/sources/bluesky/app-password" in source["last_error"]
    assert platform.received == []


def test_a_retry_after_longer_than_the_visibility_timeout_keeps_the_job_waiting(
    stack: LocalStack, api: Client, platform: HttpStub
) -> None:
    # Given GitHub answers 429 and asks to be left alone for ten minutes
    platform.serve("/gh/search/issues", Reply(429, b'{"message": "slow"}', {"Retry-After": "600"}))
    create_watch(api, id="acme", name="Acme", query="sesame", sources=["github"])

    # When the schedule runs, the queues drain, and the queue's own retry delay has passed
    stack.tick()
    stack.drain()
    time.sleep(LOCAL_VISIBILITY_S + 1)
    stack.drain()

    # Then GitHub was asked once: the job waits the ten minutes in the queue, not just the
    # queue's visibility timeout, and health says when it will try again
    assert len(platform.requests_to("/gh/search/issues")) == 1
    [source] = json.loads(api.http.get("/health").body)["sources"]
    assert source["ok"] is False
    assert "retry after" in source["last_error"]
    assert stack.resources is not None
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=stack.resources.poll_queue_url,
        AttributeNames=["ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"
