"""A delivery that died after storing mentions, which no other delivery ever meets again, is
finished by the sweep schedule once its lease is over: counted and alerted once."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.domain.models import Claimed, Mention, WatchMention
from chalicelib.domain.pipeline import Pipeline
from chalicelib.errors import TransientError
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from tests.integration.test_end_to_end import create_watch
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration

NEGATIVE = "Acme lost all my data, awful support, I hate it"
POSITIVE = "Acme support answered in minutes, I love it"
NEVER_STORED = "Acme changed its pricing page"


def post(native_id: str, text: str) -> Mention:
    return Mention(
        source="hackernews",
        native_id=native_id,
        url=f"https://news.ycombinator.com/item?id={native_id}",
        text=text,
        published_at=datetime.now(UTC) - timedelta(minutes=5),
    )


class _DiesAfterClaims:
    """The mentions table as a worker sees it until it is killed after `n` claims."""

    def __init__(self, n: int) -> None:
        self.real = services().mentions
        self.left = n

    def claim(self, item: WatchMention, delivery_id: str, expires_at: datetime) -> Claimed:
        if self.left == 0:
            raise RuntimeError("worker killed mid-page")
        self.left -= 1
        return self.real.claim(item, delivery_id, expires_at)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class _PublishesAfter:
    """A publisher that lets something else run first (the sweep, while this delivery is slow)."""

    def __init__(self, first: Callable[[], object]) -> None:
        self.first = first

    def publish(self, items: Sequence[WatchMention]) -> None:
        self.first()
        services().publisher.publish(items)


def pipeline(**overrides: Any) -> Pipeline:
    svc = services()
    parts: dict[str, Any] = {
        "watches": svc.watches.list(),
        "mentions": svc.mentions,
        "counters": svc.counters,
        "publisher": svc.publisher,
        "analyser": svc.analyser(),
        "stories": svc.stories,
        "opened": svc.opened,
    }
    return Pipeline(**{**parts, **overrides})


def after_the_lease(minutes: int = 1) -> datetime:
    lease = timedelta(seconds=services().settings.claim_lease_s)
    return datetime.now(UTC) + lease + timedelta(minutes=minutes)


def sweep_later(stack: LocalStack) -> int:
    return stack.sweep(after_the_lease()).mentions


def volume(api: Client) -> dict[str, int]:
    body = json.loads(api.http.get("/analytics/volume?interval=day&watch=acme").body)
    return {
        name: sum(point[name] for point in body["series"])
        for name in ("total", "positive", "negative")
    }


def feed(api: Client) -> list[str]:
    body = json.loads(api.http.get("/watches/acme/mentions").body)
    return sorted(item["text"] for item in body["items"])


def test_a_poll_killed_mid_page_is_counted_and_alerted_by_the_sweep_after_its_lease(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a poll that stored two of its three mentions and was killed, and a platform that
    # never returns them again (the job went to its DLQ)
    create_watch(api, id="acme", query="Acme")
    page = [post("101", NEGATIVE), post("102", POSITIVE), post("103", NEVER_STORED)]
    with pytest.raises(RuntimeError):
        pipeline(mentions=_DiesAfterClaims(2)).process(page, delivery_id="poll-job-1")
    stack.drain()
    assert feed(api) == sorted([NEGATIVE, POSITIVE])
    assert volume(api)["total"] == 0
    assert slack.texts() == []

    # When the sweep runs within the lease
    early = stack.sweep()
    stack.drain()

    # Then it leaves the delivery alone: it may still be alive
    assert (early.examined, early.mentions) == (0, 0)
    assert volume(api)["total"] == 0

    # When the sweep runs after the lease
    late = stack.sweep(after_the_lease())
    stack.drain()

    # Then both stored mentions are counted, and each alerted once
    assert (late.examined, late.mentions, len(late.recovered)) == (1, 2, 1)
    assert volume(api) == {"total": 2, "positive": 1, "negative": 1}
    assert sorted(slack.texts()) == sorted(
        [f"[acme] someone on hackernews: {NEGATIVE}", f"[acme] someone on hackernews: {POSITIVE}"]
    )

    # When the sweep runs again
    again = stack.sweep(after_the_lease(minutes=20))
    stack.drain()

    # Then it reads only the record it had not examined (its own delivery's, finished)
    assert (again.examined, again.mentions) == (1, 0)
    assert volume(api)["total"] == 2
    assert len(slack.texts()) == 2


def test_a_delivery_that_finished_is_never_touched_by_the_sweep(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    create_watch(api, id="acme", query="Acme")
    pipeline().process([post("201", NEGATIVE)], delivery_id="poll-job-2")
    stack.drain()

    swept = stack.sweep(after_the_lease())
    stack.drain()

    assert (swept.examined, swept.mentions) == (1, 0)
    assert volume(api)["total"] == 1
    assert slack.texts() == [f"[acme] someone on hackernews: {NEGATIVE}"]


def test_a_slow_delivery_that_finishes_after_being_swept_counts_nothing_twice(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a poll still alive past its lease, swept just before it publishes and counts
    create_watch(api, id="acme", query="Acme")
    mention = post("301", NEGATIVE)
    swept: list[int] = []
    slow = pipeline(publisher=_PublishesAfter(lambda: swept.append(sweep_later(stack))))

    # When the slow poll then publishes and counts, and its job is retried
    with pytest.raises(TransientError, match="taken over"):
        slow.process([mention], delivery_id="poll-job-3")
    retried = pipeline().process([mention], delivery_id="poll-job-3")
    stack.drain()

    # Then the mention is counted and alerted once in all
    assert swept == [1]
    assert (retried.new, retried.duplicates) == ([], 1)
    assert volume(api)["total"] == 1
    assert slack.texts() == [f"[acme] someone on hackernews: {NEGATIVE}"]
