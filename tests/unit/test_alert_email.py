"""The email channel: what an email alert says, its SNS attributes, and pacing under SNS's
10 emails a second."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.aws.sns import message_attributes
from chalicelib.domain.alerts import AlertRule, AlertSettings
from chalicelib.domain.alerts.flood import Batch, Held
from chalicelib.domain.models import Author, Mention, Watch, WatchMention
from chalicelib.notify.email import EmailSender, Pacer
from chalicelib.notify.email_render import subject_line

WATCH = Watch(
    id="acme",
    name="Acme",
    query="Acme",
    alerts=AlertSettings(rules=(AlertRule("angry", "negative", ("email",)),)),
)


def mention(text: str = "Acme lost my order again.", sentiment: str = "negative") -> WatchMention:
    return WatchMention(
        watch_id="acme",
        mention=Mention(
            source="reddit",
            native_id="t3_1",
            url="https://reddit.example/r/acme/1",
            text=text,
            published_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
            author=Author(name="Dana", handle="dana", reach=5400),
        ),
        language="en",
        sentiment=sentiment,
        sentiment_score=-0.8,
        matched_terms=("Acme",),
        reach_score=62.0,
    )


class Topic:
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:tidings-dev-alert-email"

    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, dict[str, str]]]] = []

    def publish(self, subject: str, body: str, attributes: dict[str, dict[str, str]]) -> str:
        self.published.append((subject, body, attributes))
        return str(len(self.published))


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_an_email_alert_reads_as_a_message_with_the_mention_rules_and_link() -> None:
    # Given the email channel of a watch with an "angry" rule
    topic = Topic()
    sender = EmailSender(topic, Pacer(clock=FakeClock()))

    # When a negative mention is sent
    sender.send_alert(WATCH, mention())

    # Then one email says what, who, how far it reaches, and where to open it
    ((subject, body, attributes),) = topic.published
    assert subject == "Negative mention of Acme on reddit: Acme lost my order again."
    assert "New mention for the watch Acme (acme)\nRules: angry" in body
    assert "Author:    Dana (@dana), 5,400 followers" in body
    assert "Reach:     62/100" in body
    assert "Published: 2026-11-21 09:30 UTC" in body
    assert "Open: https://reddit.example/r/acme/1" in body
    assert attributes["watch"] == {"DataType": "String", "StringValue": "acme"}
    assert attributes["kind"]["StringValue"] == "mention"
    assert json.loads(attributes["rules"]["StringValue"]) == ["angry"]


def test_a_batch_email_gives_the_count_and_the_top_three_with_links() -> None:
    topic = Topic()
    batch = Batch(
        count=14,
        since=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
        minutes=5,
        top=(Held("a:1", "[acme] Big account on x: Acme down?", "https://x.example/1", 90.0),),
        catch_up=False,
    )

    EmailSender(topic, Pacer(clock=FakeClock())).send_batch(WATCH, batch)

    ((subject, body, attributes),) = topic.published
    assert subject == "14 new mentions of Acme in 5 minutes"
    assert "1. [acme] Big account on x: Acme down?\n   https://x.example/1" in body
    assert attributes["kind"]["StringValue"] == "batch"
    assert "rules" not in attributes


def test_subjects_are_ascii_one_line_and_under_100_characters() -> None:
    subject = subject_line("Négative\nmention " + "ü" * 200 + " 🚨")

    assert subject.startswith("Negative mention uuu")
    assert subject.isascii()
    assert "\n" not in subject
    assert len(subject) <= 99


def test_no_more_than_ten_emails_leave_in_any_second() -> None:
    # Given a pacer on a clock that does not move unless it sleeps
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep)

    # When 25 emails are published at once
    sent_at = []
    for _ in range(25):
        pacer.wait()
        sent_at.append(clock.now)

    # Then every one-second window holds at most ten of them
    for start in sent_at:
        assert sum(1 for t in sent_at if start <= t < start + 1.0) <= 10
    assert sent_at[9] == sent_at[0]
    assert sent_at[10] == sent_at[0] + 1.0


def test_the_mentions_topic_carries_the_rules_a_mention_fired() -> None:
    item = mention()
    fired = WatchMention(**{**item.__dict__, "alert_rules": ("angry", "urgent")})

    assert json.loads(message_attributes(fired)["rules"]["StringValue"]) == ["angry", "urgent"]
    assert message_attributes(fired)["rules"]["DataType"] == "String.Array"
    assert "rules" not in message_attributes(item)


def test_the_pipeline_publishes_each_new_mention_with_the_names_of_the_rules_it_fires() -> None:
    # Given a watch with a negative and an urgent rule
    from chalicelib.analysis.analyser import BuiltinAnalyser
    from chalicelib.domain.pipeline import Pipeline
    from tests.support.fakes import MemoryCounters, MemoryMentions, MemoryPublisher

    rules = (AlertRule("negative", "negative"), AlertRule("legal", "urgent", query="lawsuit"))
    watch = Watch(id="acme", name="Acme", query="Acme", alerts=AlertSettings(rules=rules))
    publisher = MemoryPublisher()
    pipeline = Pipeline(
        watches=[watch],
        mentions=MemoryMentions(),
        counters=MemoryCounters(),
        publisher=publisher,
        analyser=BuiltinAnalyser(),
    )
    calm = mention("Acme released version 2 today", "neutral").mention
    legal = replace(mention("Acme faces a lawsuit from customers").mention, native_id="t3_2")

    # When a calm mention and one naming a lawsuit arrive
    pipeline.process([calm, legal], "d1")

    # Then the published lawsuit carries the urgent rule's name, the calm one none
    fired = {p.mention.text: p.alert_rules for p in publisher.published}
    assert fired["Acme released version 2 today"] == ()
    assert "legal" in fired["Acme faces a lawsuit from customers"]
