"""A small soak in CI: mentions polled and pushed two to three times, some at once, while the
source answers 429, 500 and late, Slack answers 429 and 500 and is down for one alert
(which goes to the DLQ and is redriven), a worker is killed mid-batch, and abandoned
deliveries are swept as the schedule does. Counted from what a user sees: the feed and the
volume through the API, and the posts Slack received."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from bench.soak.faults import FaultRates
from bench.soak.run import SoakOptions, soak
from chalicelib.domain.models import CounterKey, Mention, mention_id
from chalicelib.errors import TransientError
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from tests.integration.test_end_to_end import create_watch, signed
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration


def test_a_small_soak_stores_counts_and_alerts_every_mention_once_and_loses_none(
    stack: LocalStack,
) -> None:
    options = SoakOptions(
        mentions=100,
        rounds=3,
        workers=2,
        kills=2,
        kill_queues=("poll", "ingest"),
        # A garbage answer to the killed poll's retry leaves its mentions to the next poll,
        # which takes them over after the soak's claim lease (see the tests below)
        source_faults=FaultRates(rate_limited=0.05, server_error=0.05, slow=0.03, garbage=0.03),
        slack_faults=FaultRates(rate_limited=0.05, server_error=0.05),
        alert_share=0.2,
        blocked_alerts=1,
        max_receives=2,
        alerts_visibility_s=8,
        alert_lease_s=7,
        deadline_s=240,
        say=lambda line: None,
    )

    try:
        summary = soak(stack, options)
    finally:
        stack.stop()

    assert summary.unique == 100
    assert (summary.stored, summary.lost, summary.duplicates_stored) == (100, 0, 0)
    assert summary.events_sent >= 2 * 100
    assert summary.counted == summary.stored  # every mention is its own story here
    assert summary.alerts_due > 0
    assert summary.alerts_sent == summary.alerts_due
    assert (summary.alerts_duplicated, summary.alerts_lost, summary.alerts_in_dlq) == (0, 0, 0)
    assert summary.alerts_redriven == 1  # Slack's outage put it in the DLQ; the redrive sent it
    assert summary.workers_killed == 2
    # The sweep of abandoned deliveries ran, at least once when all was quiet, and reports what
    # it finished (whether a killed delivery is left to it or finished by its retry depends
    # on the race: the verdict above is what must hold either way)
    assert summary.sweeps_run >= 1
    assert summary.deliveries_swept >= 0
    assert summary.mentions_recovered >= summary.deliveries_swept
    assert summary.cursor_consistent == 1
    assert sum(summary.faults.values()) > 0


# Regression tests for what the soak found.


def test_two_attempts_of_one_delivery_that_race_count_its_mentions_once(stack: LocalStack) -> None:
    """SQS may hand one message to two workers at once: both attempts of the delivery pass the
    "finished?" check before either writes; only the first counter write may count."""

    counters = services().counters
    hour = datetime(2026, 11, 21, 10, tzinfo=UTC)
    key = CounterKey("acme", hour, "rss", "positive")
    expires = datetime.now(UTC) + timedelta(days=1)

    counters.add({key: 3}, expires, "delivery-1")
    counters.add({key: 3}, expires, "delivery-1")  # the racing second attempt

    assert counters.hourly("acme", hour, hour) == {key: 3}


class _KilledBeforePublishing:
    def publish(self, items: object) -> None:
        raise RuntimeError("worker killed after storing the mention")


def stored_by_a_killed_poll(api: Client, native_id: str, text: str) -> Mention:
    """A watch `acme`, and a Hacker News mention that poll A stored before it died."""
    from chalicelib.domain.pipeline import Pipeline

    create_watch(api, id="acme", query="Acme")
    svc = services()
    mention = Mention(
        source="hackernews",
        native_id=native_id,
        url=f"https://news.ycombinator.com/item?id={native_id}",
        text=text,
        published_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    killed = Pipeline(
        watches=svc.watches.list(),
        mentions=svc.mentions,
        counters=svc.counters,
        publisher=_KilledBeforePublishing(),
        analyser=svc.analyser(),
        stories=svc.stories,
    )
    with pytest.raises(RuntimeError):
        killed.process([mention], delivery_id="poll-A")
    return mention


def test_a_mention_stored_by_a_killed_poll_is_counted_and_alerted_when_its_delivery_is_retried(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    """Poll A stores a mention and dies; poll B, racing on the same cursor, fetched it too. B
    must not be acknowledged (nor move the cursor) past it, or A's retry, fetching from a newer
    cursor, would never see it again: stored, but never counted nor alerted."""
    mention = stored_by_a_killed_poll(api, "4242", "Acme support answered in minutes")
    svc = services()

    with pytest.raises(TransientError, match="wait for another delivery"):
        svc.pipeline().process([mention], delivery_id="poll-B")
    retried = svc.pipeline().process([mention], delivery_id="poll-A")
    again = svc.pipeline().process([mention], delivery_id="poll-B")
    stack.drain()

    assert (len(retried.new), again.duplicates) == (1, 1)
    assert slack.texts() == ["[acme] someone on hackernews: Acme support answered in minutes"]
    volume = json.loads(api.http.get("/analytics/volume?interval=day&watch=acme").body)
    assert sum(point["total"] for point in volume["series"]) == 1


def test_a_mention_whose_delivery_was_abandoned_is_taken_over_after_the_lease(
    stack: LocalStack, api: Client, slack: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Poll A stores a mention and dies; its retry meets a permanent error (a garbage page)
    and is acknowledged, so A never finishes. Once A's lease is over, the next delivery that
    fetches the mention counts and alerts it, once; one after that finds it done."""
    from chalicelib.store import repositories

    mention = stored_by_a_killed_poll(api, "4343", "Acme refunded me the same day")
    svc = services()

    later = datetime.now(UTC) + _lease() + timedelta(minutes=1)
    monkeypatch.setattr(repositories, "_now", lambda: later)
    taken = svc.pipeline().process([mention], delivery_id="poll-B")
    again = svc.pipeline().process([mention], delivery_id="poll-C")
    stack.drain()

    assert (len(taken.new), again.duplicates) == (1, 1)
    assert slack.texts() == ["[acme] someone on hackernews: Acme refunded me the same day"]
    assert _volume(api) == 1


def test_a_poll_that_meets_a_claim_within_its_lease_comes_back_when_the_lease_ends(
    stack: LocalStack, api: Client
) -> None:
    mention = stored_by_a_killed_poll(api, "4545", "Acme lost my ticket")

    with pytest.raises(TransientError) as waiting:
        services().pipeline().process([mention], delivery_id="poll-B")

    # Then the queue is told to keep the job away until poll A's claim may be taken over,
    # rather than spend its receives (and reach the DLQ) while it cannot finish
    assert waiting.value.retry_after is not None
    assert 0 < waiting.value.retry_after <= _lease().total_seconds()


def test_a_webhook_that_meets_a_claim_within_its_lease_stays_off_the_queue_until_it_ends(
    stack: LocalStack, api: Client
) -> None:
    from chalicelib.aws.clients import client
    from chalicelib.local.invoke import drain_once
    from chalicelib.local.provision import LOCAL_VISIBILITY_S

    mention = stored_by_a_killed_poll(api, "4747", "Acme billing page is down")
    # Given the same post pushed by webhook while poll A's claim is within its lease
    body = json.dumps(
        {
            "id": mention.native_id,
            "source": mention.source,
            "text": mention.text,
            "published_at": mention.published_at.isoformat(),
        }
    ).encode()
    assert (
        api.http.post("/webhooks/generic/zap", headers=signed(body), body=body).status_code == 202
    )
    assert stack.resources is not None
    queue = stack.resources.ingest_queue_url

    # When the ingest worker meets the claim
    assert drain_once(stack.app, "ingest_worker", queue) == 1
    time.sleep(LOCAL_VISIBILITY_S + 1)  # past the queue's own visibility timeout

    # Then the message is still kept away, not handed out again to spend another receive
    sqs = client("sqs")
    assert sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages", []) == []
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_a_slow_delivery_overtaken_after_its_lease_counts_nothing_twice(
    stack: LocalStack, api: Client, slack: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Poll A stored a mention and is still running past its lease (slower than the lease
    assumed): B takes the mention over and counts it. A's count must then fail, and A's retry
    count nothing twice."""
    from chalicelib.domain.models import claim_parts
    from chalicelib.domain.pipeline import normalise
    from chalicelib.store import repositories
    from chalicelib.store.tables import MentionModel

    mention = stored_by_a_killed_poll(api, "4646", "Acme charged me twice")
    svc = services()
    stored_id = mention_id(normalise(mention).published_at, normalise(mention).key)
    attempt_a = claim_parts(MentionModel.get("acme", stored_id).claim)[1]
    later = datetime.now(UTC) + _lease() + timedelta(minutes=1)
    monkeypatch.setattr(repositories, "_now", lambda: later)
    svc.pipeline().process([mention], delivery_id="poll-B")

    key = CounterKey("acme", later.replace(minute=0, second=0, microsecond=0), "hackernews", "x")
    with pytest.raises(TransientError, match="taken over"):
        svc.counters.add({key: 1}, later + timedelta(days=1), attempt_a)  # A, finishing late
    retried = svc.pipeline().process([mention], delivery_id="poll-A")
    stack.drain()

    assert (retried.new, retried.duplicates) == ([], 1)
    assert slack.texts() == ["[acme] someone on hackernews: Acme charged me twice"]
    assert _volume(api) == 1


class _RunsFirst:
    """A publisher that lets another attempt run to its end before this one counts."""

    def __init__(self, other: Callable[[], object]) -> None:
        self.other = other

    def publish(self, items: object) -> None:
        self.other()


def test_two_workers_handed_one_poll_job_count_all_that_either_fetched(
    stack: LocalStack, api: Client
) -> None:
    """SQS hands poll job J to worker B, and again to worker A when its visibility runs out.
    B fetched X and Y; A, a little later, only X and finishes first. Both attempts must count
    to one total of 2, whichever finishes first."""
    from chalicelib.domain.pipeline import Pipeline

    create_watch(api, id="acme", query="Acme")
    svc = services()
    now = datetime.now(UTC)
    x, y = (
        Mention(
            source="hackernews",
            native_id=n,
            url="",
            text=t,
            published_at=now - timedelta(minutes=m),
        )
        for n, t, m in (
            ("5151", "Acme shipped the fix", 9),
            ("5252", "Acme status page is green", 8),
        )
    )
    attempt_a = lambda: svc.pipeline().process([x], delivery_id="job-J")  # noqa: E731
    worker_b = Pipeline(
        watches=svc.watches.list(),
        mentions=svc.mentions,
        counters=svc.counters,
        publisher=_RunsFirst(attempt_a),
        analyser=svc.analyser(),
        stories=svc.stories,
    )

    with pytest.raises(TransientError):  # B learns A took its claim over: J comes back
        worker_b.process([x, y], delivery_id="job-J")
    svc.pipeline().process([x, y], delivery_id="job-J")  # J's retry

    assert _volume(api) == 2


def _lease() -> timedelta:
    return timedelta(seconds=services().settings.claim_lease_s)


def _volume(api: Client) -> int:
    volume = json.loads(api.http.get("/analytics/volume?interval=day&watch=acme").body)
    return sum(point["total"] for point in volume["series"])


def test_a_poll_retried_after_it_finished_counts_what_it_fetches_anew(
    stack: LocalStack, api: Client
) -> None:
    """A poll that counted its mentions, then was retried because it had to wait for another
    delivery's, fetches again and finds a newer mention: that one is counted too."""

    create_watch(api, id="acme", query="Acme")
    older, newer = (
        Mention(
            source="hackernews",
            native_id=native_id,
            url=f"https://news.ycombinator.com/item?id={native_id}",
            text=text,
            published_at=datetime.now(UTC) - timedelta(minutes=minutes),
        )
        for native_id, text, minutes in (
            ("1", "Acme support answered in minutes", 9),
            ("2", "Acme checkout is broken again today", 4),
        )
    )
    pipeline = services().pipeline()
    pipeline.process([older], delivery_id="poll-B")

    retried = pipeline.process([older, newer], delivery_id="poll-B")

    assert ([i.mention.native_id for i in retried.new], retried.duplicates) == (["2"], 1)
    volume = json.loads(api.http.get("/analytics/volume?interval=day&watch=acme").body)
    assert sum(point["total"] for point in volume["series"]) == 2
