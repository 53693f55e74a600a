"""Instant email alerts and the `rules` attribute, through the local stack and moto's SNS.

An SQS queue subscribed to a topic stands in for an inbox: it receives what an email
subscription with the same filter policy would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import services as services_module
from chalicelib.aws.clients import client
from chalicelib.handlers.digest_schedule import send_digest
from chalicelib.handlers.notifier import deliver, flush
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from tests.integration.test_alerts import create_watch, message, new_mention, post_mention
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration


def inbox(topic_arn: str, name: str, policy: dict[str, Any] | None = None) -> str:
    """A queue subscribed to the topic (with the filter policy an email subscription has)."""
    sqs, sns = client("sqs"), client("sns")
    url: str = sqs.create_queue(QueueName=f"{services().settings.prefix}-{name}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    attributes = {"FilterPolicy": json.dumps(policy)} if policy else {}
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return url


def received(url: str) -> list[dict[str, Any]]:
    """Every SNS notification in the queue: Subject, Message and MessageAttributes."""
    sqs, out = client("sqs"), []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return out
        for item in batch:
            out.append(json.loads(item["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=item["ReceiptHandle"])


def attribute(notification: dict[str, Any], name: str) -> Any:
    value = notification["MessageAttributes"][name]
    return json.loads(value["Value"]) if value["Type"] == "String.Array" else value["Value"]


def test_a_negative_mention_reaches_the_email_topic_once_as_a_readable_alert(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a watch whose negative mentions alert by email, and an inbox on the email topic
    email = inbox(services().settings.email_topic_arn, "inbox")
    create_watch(
        api,
        id="acme",
        name="Acme",
        query="Acme",
        alerts={"rules": [{"name": "angry", "kind": "negative", "channels": ["email"]}]},
    )

    # When a happy and an angry mention arrive, and the notifier sees the angry one twice
    post_mention(api, "happy-1", "Acme refunded me within an hour. Great, impressed!")
    post_mention(api, "angry-1", "Acme lost my order again. Terrible, awful, worst support ever.")
    stack.drain()
    feed, _ = services().mentions.feed("acme", limit=10)
    angry = next(i for i in feed if i.mention.native_id == "angry-1")
    assert deliver(message(angry)) == ["email:already delivered"]

    # Then the inbox has exactly one email: the angry mention, readable, with its link
    mails = received(email)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"].startswith("Negative mention of Acme on zap: Acme lost my order")
    body = mail["Message"]
    assert "Rules: angry" in body
    assert "Sentiment: negative" in body
    assert "Author:    Dana, 5,400 followers" in body
    assert "Open: https://reviews.example/angry-1" in body
    assert attribute(mail, "watch") == "acme"
    assert attribute(mail, "rules") == ["angry"]
    # and Slack, which no rule names, stays quiet
    assert slack.posts == []


def test_two_hundred_mentions_in_a_minute_arrive_as_a_handful_of_emails(
    stack: LocalStack, api: Client
) -> None:
    # Given a watch that emails every new mention, with the default flood control
    email = inbox(services().settings.email_topic_arn, "inbox")
    create_watch(
        api,
        id="acme",
        name="Tidings",
        query="Acme",
        alerts={"rules": [{"kind": "every", "channels": ["email"]}]},
    )
    start = datetime.now(UTC)

    # When 200 mentions arrive within a minute and the flush runs each minute
    for n in range(200):
        deliver(message(new_mention(n, reach=n)), now=start + timedelta(seconds=n * 0.3))
    for minute in range(1, 7):
        flush(now=start + timedelta(minutes=minute))

    # Then five single emails and ONE batch email with the three most reached arrive
    mails = received(email)
    assert len(mails) == 6
    batch = [m for m in mails if attribute(m, "kind") == "batch"]
    assert [m["Subject"] for m in batch] == ["195 new mentions of Tidings in 5 minutes"]
    body = batch[0]["Message"]
    assert body.index("author199") < body.index("author198") < body.index("author197")
    assert "https://reviews.example/m199" in body


def test_an_email_subscription_filtered_on_watch_gets_only_that_watch(
    stack: LocalStack, api: Client
) -> None:
    # Given two watches emailing every mention, and an inbox that wants only "beta"
    email = inbox(services().settings.email_topic_arn, "beta-inbox", {"watch": ["beta"]})
    for watch_id in ("acme", "beta"):
        create_watch(
            api,
            id=watch_id,
            query="Acme",
            alerts={"rules": [{"kind": "every", "channels": ["email"]}]},
        )

    # When a mention of both arrives
    post_mention(api, "both-1", "Acme is in the news today")
    stack.drain()

    # Then the inbox got beta's alert only
    assert [attribute(m, "watch") for m in received(email)] == ["beta"]


def test_a_filter_policy_on_rules_selects_only_the_urgent_mentions(
    stack: LocalStack, api: Client
) -> None:
    # Given a watch with a negative and an urgent rule, and a subscriber that wants urgent only
    mentions_topic = services().settings.mentions_topic_arn
    urgent_only = inbox(mentions_topic, "urgent", {"rules": ["urgent"]})
    negative = inbox(mentions_topic, "negative", {"rules": ["negative"]})
    create_watch(
        api,
        id="acme",
        query="Acme",
        alerts={
            "rules": [
                {"kind": "negative"},
                {"kind": "urgent", "query": "lawsuit OR Datenleck"},
            ]
        },
    )

    # When a calm mention, an angry one and one naming a lawsuit arrive
    post_mention(api, "calm-1", "Acme released version 2 today")
    post_mention(api, "angry-1", "Acme lost my order again. Terrible, awful, worst support ever.")
    post_mention(api, "legal-1", "Acme faces a lawsuit over its pricing")
    stack.drain()

    # Then the urgent subscriber got the lawsuit only (negative too, so it fired both rules),
    # the negative subscriber the angry one and the lawsuit, and no one the calm one
    urgent = received(urgent_only)
    assert [json.loads(n["Message"])["native_id"] for n in urgent] == ["legal-1"]
    assert attribute(urgent[0], "rules") == ["negative", "urgent"]
    angry = sorted(json.loads(n["Message"])["native_id"] for n in received(negative))
    assert angry == ["angry-1", "legal-1"]


def test_health_names_the_digest_sender_and_a_deployment_without_one_sends_no_digest(
    stack: LocalStack, api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the local stack, which sends digests from a clearly local address
    alerts = json.loads(api.http.get("/health").body)["alerts"]
    assert alerts["digest_sender"] == {
        "ok": True,
        "sender": "digests@tidings.localhost",
        "warning": None,
    }
    create_watch(
        api,
        id="acme",
        query="Acme",
        alerts={"digest": {"frequency": "daily", "recipients": ["team@example.com"]}},
    )

    # When the deployment has no sender and the digest hour comes
    monkeypatch.setenv("TIDINGS_DIGEST_SENDER", "")
    services_module.reset()
    svc = services()
    watch = svc.watches.get("acme")
    assert watch is not None
    sent = send_digest(svc, watch, "daily", datetime.now(UTC))

    # Then nothing is sent, and /health says what to set
    assert sent is False
    alerts = json.loads(api.http.get("/health").body)["alerts"]
    assert alerts["digest_sender"]["ok"] is False
    assert "DIGEST_SENDER" in alerts["digest_sender"]["warning"]
