"""A watch's alert settings: defaults, what the API accepts, and clear refusals."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.alerts import AlertSettings
from chalicelib.domain.alerts.schema import alert_settings_from_dict
from chalicelib.domain.validation import watch_from_input
from chalicelib.errors import ValidationError


def test_a_watch_without_alerts_gets_every_new_mention_in_slack() -> None:
    # Given a watch created without alert settings
    watch = watch_from_input({"id": "acme", "query": "Acme"}, {"rss"})

    # Then it alerts on every new mention in Slack, and the API shows the whole schema
    shown = watch.to_dict()["alerts"]
    assert shown["rules"] == [{"name": "every new mention", "kind": "every", "channels": ["slack"]}]
    assert set(shown) >= {"rules", "flood", "spike", "digest", "slack_channel"}
    assert shown["spike"]["enabled"] is True
    assert shown["digest"] == {"frequency": "off", "recipients": []}


def test_settings_survive_their_json_round_trip() -> None:
    # Given settings using every rule kind
    data = {
        "rules": [
            {"name": "angry", "kind": "negative", "channels": ["slack", "email"]},
            {"name": "big", "kind": "influential", "min_reach": 80},
            {"name": "hn", "kind": "sources", "sources": ["hackernews"]},
            {"name": "de", "kind": "languages", "languages": ["DE"]},
            {"name": "legal", "kind": "urgent", "query": "Datenleck OR lawsuit"},
        ],
        "flood": {"max_per_window": 3, "quiet_start": "22:00", "quiet_end": "07:00"},
        "digest": {"frequency": "daily", "recipients": ["team@example.com"]},
        "slack_channel": "#acme",
    }

    # When read and written again
    settings = alert_settings_from_dict(data)

    # Then nothing is lost
    assert alert_settings_from_dict(settings.to_dict()) == settings
    assert settings.rules[3].languages == ("de",)
    assert settings.flood.max_per_window == 3


@pytest.mark.parametrize(
    ("alerts", "message"),
    [
        ({"rules": [{"kind": "loud"}]}, "kind must be one of"),
        ({"rules": [{"kind": "urgent"}]}, "query is required"),
        ({"rules": [{"kind": "urgent", "query": "lawsuit OR"}]}, "alerts.rules[0].query"),
        ({"rules": [{"kind": "every", "channels": ["pager"]}]}, "unknown pager"),
        ({"rules": [{"kind": "sources", "sources": []}]}, "at least one source"),
        ({"flood": {"quiet_start": "22:00"}}, "both quiet_start and quiet_end"),
        ({"flood": {"quiet_start": "25:00", "quiet_end": "07:00"}}, '"HH:MM"'),
        ({"digest": {"frequency": "hourly"}}, "frequency must be one of"),
        ({"digest": {"recipients": ["not-an-address"]}}, "not an email address"),
        ({"spike": {"factor": 0}}, "factor must be a number from 1"),
        ({"colour": "red"}, "unknown fields: colour"),
    ],
)
def test_bad_alert_settings_are_refused_with_what_is_wrong(alerts: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=None) as refused:
        watch_from_input({"id": "acme", "query": "Acme", "alerts": alerts}, {"rss"})
    assert message in str(refused.value)


def test_missing_settings_read_as_the_defaults() -> None:
    assert alert_settings_from_dict(None) == AlertSettings()
    assert alert_settings_from_dict({}) == AlertSettings()
