"""Defaults a user relies on: spike alerts on for a new watch, and a digest sender that is
clearly local on a laptop and never a made-up address in a deployment."""

from __future__ import annotations

import pytest

from chalicelib.domain.alerts import SPIKE_ALERTS_BY_DEFAULT
from chalicelib.domain.validation import watch_from_input
from chalicelib.notify.digest_sender import digest_sender, digest_sender_status
from chalicelib.settings import LOCAL_DIGEST_SENDER, Settings, get_settings


def test_spike_alerts_are_on_for_a_new_watch_unless_it_turns_them_off() -> None:
    # Given watches created without spike settings, with some of them, and with them off
    bare = watch_from_input({"id": "a", "query": "Acme"}, {"rss"})
    partial = watch_from_input(
        {"id": "b", "query": "Acme", "alerts": {"spike": {"channels": ["email"]}}}, {"rss"}
    )
    off = watch_from_input(
        {"id": "c", "query": "Acme", "alerts": {"spike": {"enabled": False}}}, {"rss"}
    )

    # Then spike alerts are on unless the watch said false
    assert SPIKE_ALERTS_BY_DEFAULT is True
    assert bare.to_dict()["alerts"]["spike"]["enabled"] is True
    assert partial.to_dict()["alerts"]["spike"]["enabled"] is True
    assert off.to_dict()["alerts"]["spike"]["enabled"] is False


def settings_for(monkeypatch: pytest.MonkeyPatch, stage: str, sender: str | None) -> Settings:
    monkeypatch.setenv("TIDINGS_STAGE", stage)
    if sender is None:
        monkeypatch.delenv("TIDINGS_DIGEST_SENDER", raising=False)
    else:
        monkeypatch.setenv("TIDINGS_DIGEST_SENDER", sender)
    get_settings.cache_clear()
    try:
        return get_settings()
    finally:
        get_settings.cache_clear()


def test_the_local_stack_sends_digests_from_a_clearly_local_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_for(monkeypatch, "local", None)

    assert settings.digest_sender == LOCAL_DIGEST_SENDER
    assert LOCAL_DIGEST_SENDER.endswith(".localhost")
    assert digest_sender(settings) == LOCAL_DIGEST_SENDER


def test_a_deployment_without_a_sender_skips_email_and_says_why_in_health(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a prod deployment that was not given DIGEST_SENDER
    settings = settings_for(monkeypatch, "prod", None)

    # Then there is no sender (never a made-up one) and /health says what to do
    assert settings.digest_sender == ""
    assert digest_sender(settings) is None
    status = digest_sender_status(settings)
    assert status["ok"] is False
    assert "DIGEST_SENDER" in status["warning"]


def test_a_deployment_with_a_sender_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(monkeypatch, "prod", " alerts@acme.com ")

    assert digest_sender(settings) == "alerts@acme.com"
    assert digest_sender_status(settings) == {
        "ok": True,
        "sender": "alerts@acme.com",
        "warning": None,
    }
