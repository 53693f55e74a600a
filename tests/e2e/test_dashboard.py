"""The dashboard as a person uses it: headless chromium against the local stack over real HTTP.

Sign in with an API key, create a watch in the editor, see a mention arrive, triage it from the
keyboard, read a chart, check health; on a laptop and on a phone. Screenshots land in
`test-artifacts/dashboard/` for a human to look at.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from chalicelib.local.ports import free_port
from chalicelib.local.stack import LocalStack
from chalicelib.webhooks.signing import sign
from tests.conftest import REPO_ROOT
from tests.integration import conftest as integration
from tests.integration.conftest import WEBHOOK_SECRET
from tests.support.http_stub import HttpStub, Reply

# The integration fixtures, shared: a fresh local stack per test, its stubbed platform and Slack.
platform, slack, stack = integration.platform, integration.slack, integration.stack

pytestmark = pytest.mark.integration

ARTIFACTS = REPO_ROOT / "test-artifacts" / "dashboard"
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MENTION = {
    "id": "zap-7",
    "title": "Acme answered in ten minutes",
    "text": "Acme refunded me within an hour. Impressed!",
    "published_at": "2026-11-21T08:15:00Z",
    "url": "https://reviews.example/7",
    "author": {"name": "Dana", "handle": "@dana", "reach": 5400},
}


QUIET_FEED = Reply(
    200,
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title><item><guid>q1</guid>'
    "<title>Nothing to see</title><link>https://blog.example/q1</link>"
    "<pubDate>Sat, 21 Nov 2026 07:00:00 GMT</pubDate><description>Weather.</description>"
    "</item></channel></rss>",
    {"Content-Type": "application/rss+xml"},
)


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("chromium is not installed: run scripts/ensure_chromium.sh", pytrace=False)
    return found


@pytest.fixture
def served(stack: LocalStack) -> str:
    return stack.serve_api(free_port())


@pytest.fixture
def api_key(stack: LocalStack) -> str:
    """A key made the way `tidings keys create` makes one."""
    from chalicelib.services import services

    _, key = services().api_keys.create("e2e")
    return key


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=LAPTOP,
        )
        try:
            yield context
        finally:
            context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, key: str) -> None:
    page.goto(base + "/")
    expect(page.get_by_label("API key")).to_be_visible()
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Feed")).to_be_visible()


def post_mention(base: str, mention: dict[str, Any]) -> None:
    body = json.dumps(mention).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        f"{base}/webhooks/generic/zap",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Tidings-Timestamp": str(timestamp),
            "X-Tidings-Signature": sign(WEBHOOK_SECRET, timestamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202


def get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(base + path, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_sign_in_create_a_watch_see_a_mention_triage_it_and_read_the_charts(
    stack: LocalStack, served: str, api_key: str, browser: BrowserContext, platform: HttpStub
) -> None:
    platform.serve("/feed.xml", QUIET_FEED)
    platform.serve("/gone.xml", Reply(404, "gone", {"Content-Type": "text/plain"}))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Given a signed-in user
    page.goto(served + "/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shot(page, "laptop-1-sign-in")
    sign_in(page, served, api_key)

    # When they create a watch in the editor, trying its query on a text first
    page.get_by_role("link", name="Watches").click()
    page.get_by_role("button", name="New watch").click()
    page.get_by_label("Id").fill("acme")
    page.get_by_label("Name").fill("Acme")
    page.get_by_label("Query").fill("Acme -jobs")
    page.get_by_label("Sources").fill(
        f"rss {platform.url('/feed.xml')}\nrss {platform.url('/gone.xml')}"
    )
    page.get_by_placeholder("paste a text").fill("Acme is down again")
    expect(page.locator("#preview")).to_contain_text("Matches 1 of 1")
    expect(page.locator("#preview mark")).to_have_text("Acme")
    page.get_by_role("button", name="Create watch").click()

    # Then the watch is listed and stored
    expect(page.locator(".watch-item.current")).to_contain_text("Acme")
    status, _, body = get(served, "/watches/acme", {"Authorization": f"Bearer {api_key}"})
    assert (status, json.loads(body)["query"]) == (200, "Acme -jobs")

    # When its sources are polled and a mention arrives through the signed webhook
    stack.tick()
    post_mention(served, MENTION)
    stack.drain()

    # Then the editor's live preview finds it among the watch's stored mentions
    page.get_by_label("Query").fill("Acme refunded")
    expect(page.locator("#preview")).to_contain_text("Matches 1 of 1")
    expect(page.locator("#preview mark").first).to_have_text("Acme")
    shot(page, "laptop-2-watch-editor")

    # And the inbox shows it, the matched word highlighted, with its author's reach
    page.get_by_role("link", name="Inbox").click()
    mention = page.locator("article.mention").first
    expect(mention).to_contain_text("Acme refunded me within an hour")
    expect(mention.locator(".text mark")).to_have_text("Acme")
    expect(mention).to_contain_text("5,400 followers")
    expect(mention.locator(".status")).to_have_text("New")

    # And they can take what waits in the inbox away as a CSV file
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Acme refunded me within an hour" in csv_text

    # When they triage it from the keyboard
    page.keyboard.press("r")

    # Then its status changes on the page and in the API
    expect(mention.locator(".status")).to_have_text("Needs reply")
    shot(page, "laptop-3-inbox")
    page.keyboard.press("h")
    expect(page.locator("article.mention .status").first).to_have_text("Handled")

    # And they assign it and leave a note, and find the shortcuts behind "?"
    page.keyboard.press("a")
    page.get_by_role("dialog").locator("textarea").fill("maya")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("article.mention .assignee").first).to_have_text("→ maya")
    page.keyboard.press("n")
    page.get_by_role("dialog").locator("textarea").fill("Thanked her on zap")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("article.mention .note").first).to_have_text("“Thanked her on zap”")
    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Keyboard shortcuts")).to_be_visible()
    page.get_by_role("button", name="Close").click()
    mention_id = mention.get_attribute("data-id")
    auth = {"Authorization": f"Bearer {api_key}"}
    feed = json.loads(get(served, "/watches/acme/mentions", auth)[2])["items"]
    assert [(m["id"], m["status"], m["assignee"]) for m in feed] == [
        (mention_id, "handled", "maya")
    ]

    # And the charts count it
    page.get_by_role("link", name="Charts").click()
    page.wait_for_load_state("networkidle")
    assert errors == []
    volume = page.locator("#volume svg.chart")
    expect(volume).to_have_attribute("data-total", "1")
    expect(volume.locator(".caption")).to_have_text("1 mention")
    expect(page.locator("#authors svg")).to_contain_text("dana · zap")
    expect(page.locator("#reputation .formula")).to_contain_text("index = 50 + 50")
    shot(page, "laptop-4-charts")

    # And the campaign view compares this week with the one before
    page.get_by_role("link", name="Campaign").click()
    mentions_tile = page.locator(".tile").filter(has_text="mentions")
    expect(mentions_tile.locator("strong")).to_have_text("1")
    expect(mentions_tile).to_contain_text("before: 0")
    shot(page, "laptop-5-campaign")

    # And the health panel answers "is Tidings still listening?"
    page.get_by_role("link", name="Health").click()
    expect(page.locator("#verdict")).to_contain_text("1 of 2 sources failing")
    health = json.loads(get(served, "/health")[2])
    failing = [source for source in health["sources"] if not source["ok"]]
    expect(page.locator("table.sources tr.ok")).to_contain_text("s ago")
    expect(page.locator("table.sources tr.bad")).to_contain_text(failing[0]["last_error"])
    expect(page.locator("#queues")).to_contain_text("poll")
    shot(page, "laptop-6-health")

    # And the same pages fit a phone without scrolling sideways
    post_mention(served, {**MENTION, "id": "zap-8", "text": "Is Acme down? Checkout fails."})
    stack.drain()
    page.set_viewport_size(PHONE)
    for view in ("feed", "inbox", "charts", "campaign", "watches", "health"):
        page.goto(f"{served}/dashboard/index.html#{view}")
        expect(page.locator(f"main[data-view={view}][aria-busy=false]")).to_be_visible()
        shot(page, f"phone-{view}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{view} is {overflow}px wider than a phone"
    assert errors == []


def test_a_refused_key_leads_back_to_sign_in(
    stack: LocalStack, served: str, api_key: str, browser: BrowserContext
) -> None:
    page = browser.new_page()

    # Given a key that Tidings never issued
    page.goto(served + "/dashboard/index.html")
    page.get_by_label("API key").fill("tdg_000000000000_not-a-key-tidings-ever-made")

    # When the user signs in with it
    page.get_by_role("button", name="Sign in").click()

    # Then they stay on the sign-in form, told why
    expect(page.locator("#signin-error")).to_have_text("This key was refused.")

    # And a key revoked while signed in sends them back to it
    sign_in(page, served, api_key)
    revoked = "tdg_000000000000_revoked-key-revoked-key"
    page.evaluate(f"sessionStorage.setItem('tidings.apiKey', '{revoked}')")
    page.get_by_role("link", name="Watches").click()
    expect(page.locator("#signin-error")).to_contain_text("sign in again")


def test_the_dashboard_files_are_served_with_their_types_and_revalidated(served: str) -> None:
    # Given the API served over HTTP
    # When a browser opens its root
    status, headers, _ = get(served, "/")

    # Then it is sent to the dashboard
    assert (status, headers["Location"]) == (302, "/dashboard/index.html")

    # And each file comes with its type, an ETag and no long-lived cache
    types = {}
    for name in ("index.html", "style.css", "app.js"):
        status, headers, body = get(served, f"/dashboard/{name}")
        assert status == 200
        assert body
        assert headers["Cache-Control"] == "no-cache"
        types[name] = headers["Content-Type"]
    assert types == {
        "index.html": "text/html; charset=utf-8",
        "style.css": "text/css; charset=utf-8",
        "app.js": "text/javascript; charset=utf-8",
    }

    # And an unchanged file costs a 304, an unknown one a 404
    etag = get(served, "/dashboard/app.js")[1]["ETag"]
    assert get(served, "/dashboard/app.js", {"If-None-Match": etag})[0] == 304
    assert get(served, "/dashboard/secrets.py")[0] == 404
    assert get(served, "/dashboard/..%2Fapp.py")[0] == 404
