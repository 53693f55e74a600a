"""Spike alerts and email digests through the local stack: DynamoDB Local, moto's SES and SNS,
the Slack stand-in, and a local receiver for the outgoing webhook."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from chalice.test import Client

from chalicelib.aws.ses import send_email, verify_sender
from chalicelib.domain.alerts.schema import alert_settings_from_dict
from chalicelib.domain.models import CounterKey, Watch
from chalicelib.domain.spikes import floor_hour
from chalicelib.errors import PermanentError
from chalicelib.handlers.digest_schedule import send_digest, send_due
from chalicelib.local.provision import put_secret
from chalicelib.local.stack import LocalStack
from chalicelib.services import services
from chalicelib.webhooks.signing import sign, verify
from tests.integration.conftest import WEBHOOK_SECRET
from tests.support.http_stub import HttpStub, Reply
from tests.support.slack_stub import SlackStub

pytestmark = pytest.mark.integration
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HOOK_SECRET = "outgoing-secret"


def create_watch(watch_id: str, name: str, alerts: dict[str, Any]) -> None:
    """Straight into the store: these tests are about alerts, not the watches API."""
    services().watches.put(Watch(watch_id, name, name, alerts=alert_settings_from_dict(alerts)))


def post_mention(api: Client, n: int, text: str, published: datetime, author: str) -> None:
    body = json.dumps(
        {
            "id": f"m-{n}",
            "text": text,
            "published_at": published.isoformat().replace("+00:00", "Z"),
            "url": f"https://reviews.example/{n}",
            "author": {"name": author, "reach": 100 + n},
        }
    ).encode()
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Tidings-Timestamp": str(ts),
        "X-Tidings-Signature": sign(WEBHOOK_SECRET, ts, body),
    }
    response = api.http.post("/webhooks/generic/zap", headers=headers, body=body)
    assert response.status_code == 202, response.body


def seed_counters(watch_id: str, hours: list[datetime], per_hour: int) -> None:
    counts = {CounterKey(watch_id, h, "zap", "neutral"): per_hour for h in hours}
    services().counters.add(
        counts, datetime.now(UTC) + timedelta(days=60), f"seed-{uuid.uuid4().hex}"
    )


def spike_posts(slack: SlackStub) -> list[dict[str, Any]]:
    return [p for p in slack.posts if str(p.get("text", "")).startswith("Spike in")]


def test_a_burst_of_mentions_gives_one_explained_spike_alert_then_a_cool_down(
    stack: LocalStack, api: Client, slack: SlackStub, platform: HttpStub
) -> None:
    # Given a watch with spike alerts to Slack and to an outgoing webhook, and no per-mention
    # alerts, whose last four weeks saw about 2 mentions an hour
    platform.serve("/hook", Reply(204))
    put_secret("/tidings/test/hook-secret", HOOK_SECRET)
    create_watch(
        "acme",
        "Acme",
        {
            "rules": [],
            "spike": {"enabled": True, "channels": ["slack", "webhook"], "cooldown_minutes": 120},
            "webhook_url": platform.url("/hook"),
            "webhook_secret_parameter": "/tidings/test/hook-secret",
        },
    )
    now = datetime.now(UTC)
    this_hour = floor_hour(now)
    seed_counters("acme", [this_hour - timedelta(hours=k) for k in range(1, 24 * 29)], 2)
    # When 40 mentions arrive through the generic webhook within this hour
    for n in range(40):
        # different people, different words: separate voices, not copies of one story
        text = (
            f"Acme checkout is down for order {n}" if n % 2 else f"Acme status update, ticket {n}"
        )
        when = this_hour + (now - this_hour) * (n / 40)
        post_mention(api, n, text, when, author=f"user{n % 4}")
    stack.drain()
    # And the spike schedule runs, then again five and ten minutes later
    alerted = [stack.check_spikes(), stack.check_spikes(), stack.check_spikes()]

    # Then Slack got one spike alert that explains itself
    assert alerted == [1, 0, 0]
    (post,) = spike_posts(slack)
    assert post["text"].startswith("Spike in mentions for Acme: 40 vs 2 usually")
    facts = post["blocks"][1]["text"]["text"]
    assert "*Top terms:* acme (40)" in facts
    assert "*Top sources:* zap (40)" in facts
    assert "user" in facts
    assert len(post["blocks"]) == 5  # header, facts, three distinct example mentions
    # And the outgoing webhook got the same alert, signed
    (request,) = platform.requests_to("/hook")
    verify(
        HOOK_SECRET,
        request.body,
        request.headers["x-tidings-timestamp"],
        request.headers["x-tidings-signature"],
        now=time.time(),
        max_age_s=300,
    )
    event = json.loads(request.body)
    assert event["event"] == "spike"
    assert event["spike"]["volume"] == 40
    assert len(event["samples"]) == 3


def moto_messages(destination: str) -> list[dict[str, Any]]:
    endpoint = services().settings.aws_endpoint
    data = requests.get(f"{endpoint}/moto-api/data.json", timeout=10).json()
    return [
        m
        for m in data.get("ses", {}).get("Message", [])
        if destination in m.get("destinations", {}).get("ToAddresses", [])
    ]


def screenshot(html: Path, png: Path) -> None:
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if chromium is None:
        return
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=700,1400",
            f"--screenshot={png}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_a_daily_digest_is_sent_through_ses_once_and_renders(
    stack: LocalStack, api: Client
) -> None:
    # Given two watches of the company, one with a daily digest to the team
    team = f"team-{uuid.uuid4().hex[:8]}@example.com"
    create_watch(
        "acme", "Acme", {"rules": [], "digest": {"frequency": "daily", "recipients": [team]}}
    )
    create_watch("rival", "Rival", {"rules": []})
    now = datetime.now(UTC)
    yesterday = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    titles = ["Acme checkout is broken", "Acme support was great", "Acme raises prices"]
    for n in range(9):
        post_mention(
            api, n, f"{titles[n % 3]}, ticket {n}", yesterday + timedelta(hours=n), f"user{n % 2}"
        )
    stack.drain()
    seed_counters("rival", [yesterday + timedelta(hours=k) for k in range(3)], 3)
    # And SES refuses a sender that is not verified, so the deployment's sender is verified
    with pytest.raises(PermanentError, match="MessageRejected"):
        send_email(f"nobody-{uuid.uuid4().hex[:6]}@example.com", [team], "x", "<p>x</p>", "x")
    verify_sender(services().settings.digest_sender)

    # When the digest hour comes (twice: a retried run)
    svc = services()
    watch = svc.watches.get("acme")
    assert watch is not None
    sent = [send_digest(svc, watch, "daily", now), send_digest(svc, watch, "daily", now)]
    # and the hourly schedule outside the digest hour sends nothing
    off_hour = now.replace(hour=(svc.settings.digest_hour + 1) % 24)

    # Then one email reached the team through SES, with the day's numbers
    assert sent == [True, False]
    assert send_due(off_hour) == 0
    (message,) = moto_messages(team)
    assert message["subject"] == "Daily digest for Acme: 9 mentions"
    html = message["body"]
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "digest.html"
    page.write_text(html, encoding="utf-8")
    screenshot(page, ARTIFACTS / "digest.png")
    assert "Acme checkout is broken" in html
    assert "Share of voice" in html
    assert "Rival" in html
    assert "50%" in html  # 9 of the 18 mentions of the company's watches


def test_the_cli_previews_a_digest_to_a_file(
    stack: LocalStack, api: Client, tmp_path: Path
) -> None:
    from chalicelib.cli import main

    create_watch("acme", "Acme", {"rules": []})
    out = tmp_path / "acme.html"
    assert main(["digest", "preview", "acme", "--period", "weekly", "--out", str(out)]) == 0
    assert "Weekly digest" in out.read_text(encoding="utf-8")
    assert "0 mentions" in (tmp_path / "acme.txt").read_text(encoding="utf-8")
