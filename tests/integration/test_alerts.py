"""Alerts through the local stack: rules, Slack buttons, flood control, retries, gone webhooks
and the DLQ redrive, against DynamoDB Local, moto's server and a local Slack."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from chalicelib import services as services_module
from chalicelib.aws.clients import client
from chalicelib.cli import main
from chalicelib.domain.models import Author, Mention, WatchMention
from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.handlers.notifier import deliver, flush
from chalicelib.local.invoke import LocalContext, sns_event
from chalicelib.local.provision import put_secret
from chalicelib.local.stack import LocalStack
from chalicelib.notify.slack_signature import slack_sign
from chalicelib.services import services
from chalicelib.webhooks.signing import sign
from tests.integration.conftest import WEBHOOK_SECRET
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration
SIGNING_SECRET = "slack-signing-secret-for-tests"


def create_watch(api: Client, **fields: Any) -> None:
    response = api.http.post(
        "/watches", headers={"Content-Type": "application/json"}, body=json.dumps(fields)
    )
    assert response.status_code == 201, response.body


def post_mention(api: Client, native_id: str, text: str) -> None:
    body = json.dumps(
        {
            "id": native_id,
            "text": text,
            "published_at": datetime.now(UTC).isoformat(),
            "url": f"https://reviews.example/{native_id}",
            "author": {"name": "Dana", "reach": 5400},
        }
    ).encode()
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Tidings-Timestamp": str(ts),
        "X-Tidings-Signature": sign(WEBHOOK_SECRET, ts, body),
    }
    assert api.http.post("/webhooks/generic/zap", headers=headers, body=body).status_code == 202


def new_mention(n: int, reach: int = 100, when: datetime | None = None) -> WatchMention:
    return WatchMention(
        watch_id="acme",
        mention=Mention(
            source="zap",
            native_id=f"m{n}",
            url=f"https://reviews.example/m{n}",
            text=f"Acme post number {n}",
            published_at=when or datetime.now(UTC),
            author=Author(name=f"author{n}", reach=reach),
        ),
        language="en",
        sentiment="neutral",
        sentiment_score=0.0,
        matched_terms=("Acme",),
        reach_score=reach / 2,  # 0-100
    )


def message(item: WatchMention) -> str:
    return json.dumps(watch_mention_to_dict(item))


def use_slack_api(slack: SlackStub) -> None:
    os.environ["TIDINGS_SLACK_API_URL"] = slack.api_url
    services_module.reset()


def test_a_negative_mention_reaches_slack_once_and_its_button_marks_it_handled(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a watch that alerts on negative mentions only, and Slack's signing secret
    use_slack_api(slack)
    put_secret(services().settings.slack_signing_secret_parameter, SIGNING_SECRET)
    create_watch(api, id="acme", query="Acme", alerts={"rules": [{"kind": "negative"}]})

    # When a happy and an angry mention arrive
    post_mention(api, "happy-1", "Acme refunded me within an hour. Great, impressed!")
    post_mention(api, "angry-1", "Acme lost my order again. Terrible, awful, worst support ever.")
    stack.drain()

    # Then Slack shows only the angry one, with the matched word in bold and three buttons
    assert len(slack.posts) == 1
    post = slack.posts[0]
    assert "Acme lost my order" in post["text"]
    assert ">*Acme* lost my order again" in post["blocks"][0]["text"]["text"]
    buttons = post["blocks"][2]["elements"]
    assert [b["text"]["text"] for b in buttons] == ["Open", "Mark handled", "Ignore"]
    assert buttons[0]["url"] == "https://reviews.example/angry-1"

    # When someone presses "Mark handled" (Slack posts the signed interaction)
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "maya"},
        "response_url": slack.response_url,
        "message": post,
        "actions": [buttons[1]],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    ts = int(time.time())
    response = api.http.post(
        "/slack/interactions",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": slack_sign(SIGNING_SECRET, ts, body),
        },
        body=body,
    )

    # Then the mention is handled in the feed, and the Slack message says by whom
    assert response.status_code == 200
    watch_id, mention_id = buttons[1]["value"].split("|")
    feed = json.loads(api.http.get(f"/watches/{watch_id}/mentions").body)["items"]
    assert {i["native_id"]: i["status"] for i in feed} == {"angry-1": "handled", "happy-1": "new"}
    assert {i["id"]: i["native_id"] for i in feed}[mention_id] == "angry-1"
    assert slack.responses[0]["replace_original"] is True
    assert "Marked handled by maya" in json.dumps(slack.responses[0]["blocks"])
    assert len(slack.posts) == 1


def test_a_forged_or_stale_interaction_is_refused(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    put_secret(services().settings.slack_signing_secret_parameter, SIGNING_SECRET)
    body = urlencode({"payload": json.dumps({"actions": []})}).encode()
    old = int(time.time()) - 301
    for ts, signature in (
        (int(time.time()), slack_sign("wrong", int(time.time()), body)),
        (old, slack_sign(SIGNING_SECRET, old, body)),
    ):
        response = api.http.post(
            "/slack/interactions",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": signature,
            },
            body=body,
        )
        assert response.status_code == 401


def test_a_retried_notifier_invocation_does_not_post_twice(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a watch with the default rule (every new mention to Slack)
    create_watch(api, id="acme", query="Acme")
    event = sns_event({"Message": message(new_mention(1)), "MessageId": "sns-1"})

    # When Lambda invokes the notifier with the same event twice (a retry, a redelivery)
    for _ in range(2):
        stack.app.handler_map["notifier"](event, LocalContext("notifier"))

    # Then Slack got one message
    assert len(slack.posts) == 1


def test_two_hundred_mentions_in_a_minute_arrive_as_a_handful_of_messages(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a watch with the default flood control (5 alerts per 5 minutes, then a batch)
    create_watch(api, id="acme", name="Tidings", query="Acme")
    start = datetime.now(UTC)

    # When 200 new mentions arrive within a minute, and the flush runs as the schedule does
    for n in range(200):
        deliver(message(new_mention(n, reach=n)), now=start + timedelta(seconds=n * 0.3))
    for minute in range(1, 7):
        flush(now=start + timedelta(minutes=minute))

    # Then Slack shows five single alerts and ONE batch with the three most reached
    assert len(slack.posts) == 6
    batch = slack.posts[-1]
    assert batch["text"] == "195 new mentions of Tidings in 5 minutes"
    shown = batch["blocks"][0]["text"]["text"]
    assert [name for name in ("author199", "author198", "author197") if name in shown] == [
        "author199",
        "author198",
        "author197",
    ]


def test_quiet_hours_hold_alerts_for_one_catch_up_summary(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given quiet hours from 22:00 to 07:00 UTC
    create_watch(
        api,
        id="acme",
        name="Tidings",
        query="Acme",
        alerts={"flood": {"quiet_start": "22:00", "quiet_end": "07:00"}},
    )
    night = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)

    # When three mentions arrive at night and the flush runs at night and in the morning
    for n in range(3):
        deliver(message(new_mention(n)), now=night + timedelta(minutes=n))
    flush(now=night + timedelta(hours=1))
    assert slack.posts == []
    flush(now=night + timedelta(hours=8, minutes=1))

    # Then one catch-up summary arrives when quiet hours end
    assert slack.texts() == ["While quiet hours were on: 3 new mentions of Tidings"]


def test_slack_answering_429_then_200_yields_exactly_one_message(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given Slack rate-limits the first post (Retry-After: 1)
    create_watch(api, id="acme", query="Acme")
    slack.statuses = [429]

    # When a new mention is delivered
    outcome = deliver(message(new_mention(1)))

    # Then the notifier waited, tried again, and Slack shows it once
    assert outcome == ["slack:sent"]
    assert slack.attempts == 2
    assert len(slack.posts) == 1


def test_a_gone_webhook_shows_in_health_and_is_not_retried(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given the Slack webhook was deleted (404 no_service)
    create_watch(api, id="acme", query="Acme")
    slack.statuses = [404]

    # When two mentions are delivered
    first = deliver(message(new_mention(1)))
    second = deliver(message(new_mention(2)))

    # Then the first found it gone, the second did not even try, and health says so
    assert (first, second) == (["slack:gone"], ["slack:gone"])
    assert slack.attempts == 1
    alerts = json.loads(api.http.get("/health").body)["alerts"]
    assert alerts["ok"] is False
    assert alerts["gone"][0]["channel"] == "slack"
    assert "no_service" in alerts["gone"][0]["reason"]
    assert alerts["gone"][0]["watches"] == ["acme"]


def test_with_a_bot_token_alerts_go_to_the_watch_channel_through_the_web_api(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given a bot token and a watch whose alerts go to #acme-alerts
    use_slack_api(slack)
    put_secret(services().settings.slack_bot_token_parameter, "xoxb-test-token")
    create_watch(api, id="acme", query="Acme", alerts={"slack_channel": "#acme-alerts"})

    # When a mention is delivered
    deliver(message(new_mention(1)))

    # Then chat.postMessage was called for that channel, and the webhook was not used
    assert [(c["channel"], c["authorization"]) for c in slack.api_calls] == [
        ("#acme-alerts", "Bearer xoxb-test-token")
    ]
    assert slack.posts == []


def test_redrive_moves_the_notifiers_dlq_back_and_the_alert_arrives(
    stack: LocalStack, api: Client, slack: SlackStub
) -> None:
    # Given an alert Lambda gave up on, in the notifier's DLQ (as Lambda writes it)
    create_watch(api, id="acme", query="Acme")
    sqs = client("sqs")
    dlq = sqs.create_queue(QueueName=services().settings.notifier_dlq_name)["QueueUrl"]
    failed = sns_event(
        {
            "Message": message(new_mention(7)),
            "MessageAttributes": {"watch": {"Type": "String", "Value": "acme"}},
        }
    )
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(failed))

    # When an operator runs `tidings alerts redrive`
    code = main(["alerts", "redrive"])
    stack.drain()

    # Then the DLQ is empty and the alert reached Slack once
    assert code == 0
    left = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]["ApproximateNumberOfMessages"]
    assert left == "0"
    assert len(slack.posts) == 1
    assert "Acme post number 7" in slack.posts[0]["text"]
