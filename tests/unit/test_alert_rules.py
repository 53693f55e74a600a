"""Which rules a new mention fires, and which rules SNS filter policies can express."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.domain.alerts import AlertRule, AlertSettings
from chalicelib.domain.alerts.rules import evaluate, sns_filter_policy
from chalicelib.domain.models import Author, Mention, WatchMention

ITEM = WatchMention(
    watch_id="acme",
    mention=Mention(
        source="hackernews",
        native_id="1",
        url="https://news.example/1",
        text="Acme faces a lawsuit over the outage",
        published_at=datetime(2026, 11, 21, 9, tzinfo=UTC),
        author=Author(name="Kim", reach=90000),
    ),
    language="en",
    sentiment="negative",
    sentiment_score=-0.7,
    matched_terms=("Acme",),
    reach_score=85.0,
    influencer=True,
)
RULES = (
    AlertRule("angry", "negative", ("slack",)),
    AlertRule("big", "influential", ("email",), min_reach=90),
    AlertRule("hn", "sources", ("webhook",), sources=("hackernews",)),
    AlertRule("german", "languages", ("slack",), languages=("de",)),
    AlertRule("legal", "urgent", ("slack", "email"), query="Datenleck OR lawsuit"),
)


def test_a_negative_influential_urgent_mention_fires_the_matching_rules_once_per_channel() -> None:
    # Given rules of every kind
    settings = AlertSettings(rules=RULES)

    # When a negative Hacker News mention about a lawsuit by an influencer is evaluated
    fired = evaluate(settings, ITEM)

    # Then every rule but the German one fires, and each channel is named once
    assert fired.rules == ("angry", "big", "hn", "legal")
    assert fired.channels == ("slack", "email", "webhook")


def test_a_calm_mention_fires_nothing_but_the_every_rule() -> None:
    calm = replace(
        ITEM,
        mention=replace(ITEM.mention, text="Acme ships a new release", source="rss"),
        sentiment="positive",
        reach_score=10.0,
        influencer=False,
    )
    settings = AlertSettings(rules=(*RULES, AlertRule("all", "every", ("slack",))))

    assert evaluate(settings, calm).rules == ("all",)


def test_urgent_terms_use_the_query_language_with_its_folding() -> None:
    rule = AlertRule("leak", "urgent", ("slack",), query='"Daten Leck"')
    german = replace(ITEM, mention=replace(ITEM.mention, text="Acme: ein Datenleck!"))

    assert evaluate(AlertSettings(rules=(rule,)), german).rules == ("leak",)


def test_rules_other_than_urgent_terms_map_onto_sns_filter_policies() -> None:
    policies = {rule.name: sns_filter_policy(rule, "acme") for rule in RULES}

    assert policies == {
        "angry": {"watch": ["acme"], "sentiment": ["negative"]},
        "big": {"watch": ["acme"], "reach": [{"numeric": [">=", 90]}]},
        "hn": {"watch": ["acme"], "source": ["hackernews"]},
        "german": {"watch": ["acme"], "language": ["de"]},
        "legal": None,
    }
