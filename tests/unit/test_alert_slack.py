"""Posting to Slack: Retry-After on 429, backoff on 5xx, gone targets, the Web API, and the
v0 signature of interactions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from chalicelib.errors import PermanentError, SignatureError, TransientError
from chalicelib.notify import slack as slack_module
from chalicelib.notify.interactions import parse_interaction
from chalicelib.notify.slack import SlackGoneError, SlackPoster
from chalicelib.notify.slack_signature import slack_sign, verify_slack

WEBHOOK = "https://hooks.slack.example/services/T/B/X"


def answer(status: int, text: str = "ok", headers: dict[str, str] | None = None) -> Any:
    response = requests.Response()
    response.status_code = status
    response._content = text.encode()
    response.headers.update(headers or {})
    return response


class Script:
    """Stands in for requests.post: answers in order, records what was posted."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []

    def __call__(self, url: str, **kwargs: Any) -> Any:
        self.calls.append({"url": url, **kwargs})
        return self.answers.pop(0)


@pytest.fixture
def waits() -> list[float]:
    return []


def poster(waits: list[float], **kwargs: Any) -> SlackPoster:
    return SlackPoster(WEBHOOK, sleep=waits.append, clock=lambda: sum(waits), **kwargs)


def test_a_429_waits_for_retry_after_then_posts_once(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    script = Script(answer(429, "rate_limited", {"Retry-After": "3"}), answer(200))
    monkeypatch.setattr(slack_module.requests, "post", script)

    poster(waits).post({"text": "hi"})

    assert waits == [3.0]
    assert len(script.calls) == 2


def test_5xx_is_retried_and_gives_up_within_the_budget(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    script = Script(*[answer(503, "busy")] * 10)
    monkeypatch.setattr(slack_module.requests, "post", script)

    with pytest.raises(TransientError):
        poster(waits, budget_s=5.0).post({"text": "hi"})

    assert sum(waits) <= 5.0
    assert len(script.calls) == 3


@pytest.mark.parametrize(
    ("status", "body"), [(404, "no_service"), (410, "gone"), (400, "channel_not_found")]
)
def test_a_gone_webhook_is_reported_as_gone_not_retried(
    monkeypatch: pytest.MonkeyPatch, waits: list[float], status: int, body: str
) -> None:
    monkeypatch.setattr(slack_module.requests, "post", Script(answer(status, body)))

    with pytest.raises(SlackGoneError):
        poster(waits).post({"text": "hi"})
    assert waits == []


def test_another_client_error_is_permanent(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    monkeypatch.setattr(slack_module.requests, "post", Script(answer(400, "invalid_payload")))

    with pytest.raises(PermanentError, match="invalid_payload"):
        poster(waits).post({"text": "hi"})


def test_with_a_bot_token_and_a_channel_the_web_api_is_used(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    script = Script(
        answer(200, '{"ok": false, "error": "ratelimited"}'), answer(200, '{"ok": true}')
    )
    monkeypatch.setattr(slack_module.requests, "post", script)
    api = poster(waits, bot_token="xoxb-1", api_url="https://slack.example/api")

    api.post({"text": "hi"}, channel="#acme")

    assert api.target("#acme") == "api:#acme"
    assert script.calls[-1]["url"] == "https://slack.example/api/chat.postMessage"
    assert script.calls[-1]["json"]["channel"] == "#acme"
    assert script.calls[-1]["headers"]["Authorization"] == "Bearer xoxb-1"


def test_a_web_api_channel_not_found_is_gone(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    script = Script(answer(200, '{"ok": false, "error": "channel_not_found"}'))
    monkeypatch.setattr(slack_module.requests, "post", script)

    with pytest.raises(SlackGoneError, match="channel_not_found"):
        poster(waits, bot_token="xoxb-1").post({"text": "hi"}, channel="#gone")


def test_slacks_v0_signature_is_checked_with_its_timestamp_window() -> None:
    body = b"payload=%7B%7D"
    good = slack_sign("secret", 1_000_000, body)

    verify_slack("secret", body, "1000000", good, now=1_000_100)
    with pytest.raises(SignatureError, match="does not match"):
        verify_slack("other", body, "1000000", good, now=1_000_100)
    with pytest.raises(SignatureError, match="5-minute"):
        verify_slack("secret", body, "1000000", good, now=1_000_301)
    with pytest.raises(SignatureError, match="missing"):
        verify_slack("secret", body, None, good, now=1_000_000)


def test_the_known_slack_example_signature_verifies() -> None:
    # Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack)
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert (
        slack_sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_a_button_press_names_the_watch_mention_and_status() -> None:
    payload = (
        '{"user": {"id": "U1", "username": "maya"}, "response_url": "https://hooks.slack.com/a",'
        ' "actions": [{"action_id": "tidings_ignored", "value": "acme|20261121T0900Z.k"}]}'
    )
    body = urlencode({"payload": payload}).encode()

    triage = parse_interaction(body)

    assert triage is not None
    assert (triage.watch_id, triage.mention_id, triage.status, triage.user) == (
        "acme",
        "20261121T0900Z.k",
        "ignored",
        "maya",
    )
