"""Digests: what a day or a week of a watch looks like in an email, and when it is sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.digest import Digest, build, period_bounds
from chalicelib.domain.models import Author, CounterKey, Mention, WatchMention
from chalicelib.handlers.digest_schedule import due_periods
from chalicelib.notify.digest_html import as_html, as_text, subject

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 07:00
YESTERDAY = datetime(2026, 11, 22, tzinfo=UTC)


def _item(n: int, title: str, author: str, sentiment: str = "neutral") -> WatchMention:
    mention = Mention(
        source="reddit",
        native_id=str(n),
        url=f"https://example.com/{n}",
        title=title,
        text=title,
        published_at=YESTERDAY + timedelta(hours=n % 24),
        author=Author(name=author),
        engagement={"score": n},
    )
    return WatchMention("acme", mention, "en", sentiment, None, ("acme",))


def _digest(**overrides: object) -> Digest:
    counts = {
        CounterKey("acme", YESTERDAY + timedelta(hours=3), "reddit", "negative"): 10,
        CounterKey("acme", YESTERDAY + timedelta(hours=4), "reddit", "positive"): 20,
        CounterKey("acme", YESTERDAY + timedelta(hours=5), "hackernews", "neutral"): 10,
        CounterKey("acme", YESTERDAY - timedelta(hours=5), "reddit", "neutral"): 32,  # day before
        CounterKey("acme", NOW, "reddit", "neutral"): 99,  # today: not in yesterday's digest
    }
    mentions = [
        _item(1, "Acme raises prices", "Ann"),
        _item(2, "Acme raises prices", "Bob"),
        _item(3, "Acme raises prices", "Ann"),
        _item(4, "<script>alert(1)</script> Acme", "Eve", "negative"),
    ]
    args: dict[str, object] = {
        "watch_id": "acme",
        "watch_name": "Acme & Co",
        "period": "daily",
        "now": NOW,
        "counts": counts,
        "mentions": mentions,
        "company": {"Acme & Co": 40, "Rival": 60},
        **overrides,
    }
    return build(**args)  # type: ignore[arg-type]


def test_the_daily_digest_covers_yesterday_and_compares_with_the_day_before() -> None:
    digest = _digest()
    assert (digest.start, digest.end) == (YESTERDAY, YESTERDAY + timedelta(days=1))
    assert digest.volume == 40
    assert digest.previous_volume == 32
    assert dict(digest.sentiment) == {"positive": 20, "neutral": 10, "negative": 10, "unscored": 0}
    assert digest.sources == (("reddit", 30), ("hackernews", 10))


def test_top_stories_count_copies_once_and_authors_are_ranked() -> None:
    digest = _digest()
    assert digest.stories[0].item.mention.title == "Acme raises prices"
    assert digest.stories[0].copies == 3
    assert len(digest.stories) == 2
    assert digest.authors[0] == ("Ann", 2)


def test_the_weekly_digest_covers_the_seven_days_to_last_midnight() -> None:
    start, end = period_bounds("weekly", NOW)
    assert (start, end) == (datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="daily or weekly"):
        period_bounds("hourly", NOW)


def test_the_html_shows_what_the_reader_needs_and_escapes_strangers_text() -> None:
    html = as_html(_digest())
    assert "Acme &amp; Co" in html
    assert ">40<" in html  # the volume
    assert "+25% on the period before (32)" in html
    assert "3 copies" in html
    assert "Share of voice" in html
    assert "Rival" in html
    assert "60%" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # inline CSS only: mail clients drop <style> blocks
    assert "<style" not in html


def test_the_plain_text_part_says_the_same() -> None:
    text = as_text(_digest())
    assert text.startswith("Daily digest for Acme & Co, Sunday 22 November 2026 (UTC)")
    assert "40 mentions, +25% on the period before (32)" in text
    assert "Sentiment: positive 20 (50%), neutral 10 (25%), negative 10 (25%)" in text
    assert "  Rival: 60 (60%)" in text
    assert subject(_digest()) == "Daily digest for Acme & Co: 40 mentions"


def test_a_quiet_period_still_reads_well() -> None:
    digest = _digest(counts={}, mentions=[], company={"Acme & Co": 0})
    assert "No stories this period." in as_html(digest)
    assert "0 mentions, nothing the period before" in as_text(digest)


def test_daily_digests_go_out_at_the_digest_hour_and_weekly_ones_on_monday() -> None:
    assert due_periods("daily", NOW, hour=7) == ["daily"]
    assert due_periods("daily", NOW + timedelta(hours=1), hour=7) == []
    assert due_periods("weekly", NOW, hour=7) == ["weekly"]
    assert due_periods("weekly", NOW + timedelta(days=1), hour=7) == []
    assert due_periods("off", NOW, hour=7) == []
