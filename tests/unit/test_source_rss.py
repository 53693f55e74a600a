"""The RSS/Atom connector against a local server serving recorded and hand-written feeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.models import Author, SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.settings import get_settings
from chalicelib.sources import feed_seen
from chalicelib.sources.base import HttpClient
from chalicelib.sources.feed_seen import digest
from chalicelib.sources.rss import FeedConnector
from tests.support.http_stub import HttpStub, Reply, etag_aware

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rss"
GOOGLE_NEWS = FIXTURES / "google_news_search_trimmed_fixture.xml"
BLOG = FIXTURES / "blog_atom.xml"
RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml"
NOW = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)
WATCH = Watch(id="acme", name="Acme", query="acme")


@pytest.fixture
def stub() -> Iterator[HttpStub]:
    with HttpStub() as server:
        yield server


def connector() -> FeedConnector:
    settings = replace(get_settings(), http_timeout_s=5)
    http = HttpClient("rss", timeout_s=5, sleep=lambda _: None)
    return FeedConnector(settings, http=http, now=lambda: NOW)


def feed_at(stub: HttpStub, path: str) -> SourceRef:
    return SourceRef("rss", stub.url(path))


def rss(*items: tuple[str, str | None], **headers: str) -> Reply:
    """A minimal RSS 2.0 feed of (guid, pubDate or None) items."""
    body = "".join(
        f"<item><title>Post {guid}</title><link>https://example.com/{guid}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        f"{f'<pubDate>{date}</pubDate>' if date else ''}</item>"
        for guid, date in items
    )
    channel = f"<channel><title>Example</title>{body}</channel>"
    xml = f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'
    return Reply(200, xml, {"Content-Type": RSS_TYPE, **headers})


def test_google_news_items_become_mentions_with_the_publisher_as_author(stub: HttpStub) -> None:
    # Given the recorded Google News search feed
    stub.serve("/rss/search", Reply.file(GOOGLE_NEWS, RSS_TYPE))

    # When it is polled for the first time
    result = connector().fetch(WATCH, feed_at(stub, "/rss/search"), {})

    # Then every item is a mention, its publisher standing in for the author
    assert [m.native_id for m in result.mentions] == [
        "CBMinwFBVV95cUxObDNTMW1VT3pC",
        "CBMiogFBVV95cUxQZ3MtNXd1",
    ]
    guardian = result.mentions[1]
    assert guardian.source == "rss"
    assert guardian.url == "https://news.google.com/rss/articles/CBMiogFBVV95cUxQZ3MtNXd1?oc=5"
    assert guardian.title.startswith("Ketanji Brown Jackson criticizes supreme court")
    assert "emergency docket" in guardian.text
    assert guardian.published_at == datetime(2026, 9, 25, 16, 11, tzinfo=UTC)
    assert guardian.author == Author(name="The Guardian", url="https://www.theguardian.com")
    assert guardian.language == "en-US"
    assert guardian.engagement == {}
    # And the cursor remembers the newest date and the ids, newest first
    assert result.cursor["published"] == "2026-09-25T16:11:00+00:00"
    assert feed_seen.load(result.cursor["seen"]) == [
        digest("CBMiogFBVV95cUxQZ3MtNXd1"),
        digest("CBMinwFBVV95cUxObDNTMW1VT3pC"),
    ]


def test_a_blog_atom_feed_gives_content_authors_and_a_date_for_every_entry(stub: HttpStub) -> None:
    # Given a blog's Atom feed whose third entry has no date and a relative link
    stub.serve("/feed.atom", Reply.file(BLOG, ATOM_TYPE))

    # When it is polled for the first time
    pause, maps, office_hours = connector().fetch(WATCH, feed_at(stub, "/feed.atom"), {}).mentions

    # Then the first entry's full content, author and published time are used
    assert pause.native_id == "tag:blog.acme-robotics.example,2026:rover-firmware-pause"
    assert pause.url == "https://blog.acme-robotics.example/2026/10/rover-firmware-pause/"
    assert pause.title == "Why our Acme Rover firmware 4.2 rollout was paused"
    assert pause.text.startswith("<p>On Tuesday we paused the <strong>Acme Rover</strong>")
    assert pause.published_at == datetime(2026, 10, 1, 12, 5, tzinfo=UTC)
    assert pause.author == Author(
        name="Priya Raman", url="https://blog.acme-robotics.example/authors/priya/"
    )
    assert pause.language == "en"
    # And an entry with only <updated> is dated by it, even weeks old on a first poll
    assert maps.published_at == datetime(2026, 9, 18, 8, 0, tzinfo=UTC)
    assert maps.text.startswith("<p>Floor plans for every level")
    # And the undated entry takes the feed's date, the blog's name and an absolute link
    assert office_hours.published_at == datetime(2026, 10, 2, 9, 30, tzinfo=UTC)
    assert office_hours.author.name == "Field Notes from Acme Robotics"
    assert office_hours.url == stub.url("/events/office-hours/")


def test_an_unchanged_feed_is_asked_for_conditionally_and_gives_nothing(stub: HttpStub) -> None:
    # Given a feed served with an ETag and a Last-Modified date, polled once
    modified = "Fri, 25 Sep 2026 18:10:28 GMT"
    reply = Reply.file(GOOGLE_NEWS, RSS_TYPE, **{"Last-Modified": modified})
    stub.serve("/rss/search", etag_aware(reply, '"v1"'))
    rss_feed = connector()
    first = rss_feed.fetch(WATCH, feed_at(stub, "/rss/search"), {})

    # When it is polled again with that poll's cursor
    second = rss_feed.fetch(WATCH, feed_at(stub, "/rss/search"), first.cursor)

    # Then the request carried the validators, the server said 304, and nothing comes back
    request = stub.received[-1]
    assert request.headers["if-none-match"] == '"v1"'
    assert request.headers["if-modified-since"] == modified
    assert second.not_modified is True
    assert second.mentions == ()
    assert second.cursor == first.cursor
    assert first.cursor["etag"] == '"v1"'


def test_a_changed_feed_returns_only_its_new_entries(stub: HttpStub) -> None:
    # Given a feed with two posts, polled once, which then gets a third
    stub.serve(
        "/feed.xml",
        rss(("b", "Wed, 30 Sep 2026 09:00:00 GMT"), ("a", "Tue, 29 Sep 2026 09:00:00 GMT")),
        rss(
            ("c", "Thu, 01 Oct 2026 09:00:00 GMT"),
            ("b", "Wed, 30 Sep 2026 09:00:00 GMT"),
            ("a", "Tue, 29 Sep 2026 09:00:00 GMT"),
        ),
    )
    rss_feed = connector()
    first = rss_feed.fetch(WATCH, feed_at(stub, "/feed.xml"), {})

    # When it is polled again
    second = rss_feed.fetch(WATCH, feed_at(stub, "/feed.xml"), first.cursor)

    # Then only the new post comes back, and the cursor moved forward
    assert [m.native_id for m in first.mentions] == ["b", "a"]
    assert [m.native_id for m in second.mentions] == ["c"]
    assert first.cursor["published"] < second.cursor["published"]
    assert feed_seen.load(second.cursor["seen"]) == [digest("c"), digest("b"), digest("a")]


def test_an_old_entry_is_not_news_but_a_slightly_late_one_is(stub: HttpStub) -> None:
    # Given a cursor whose newest entry was published on 1 October at noon
    cursor = {"published": "2026-10-01T12:00:00+00:00", "seen": ["newest"]}
    # And the feed now shows two ids not seen before: one from the evening before, one from
    # three weeks earlier (a feed that reshuffled its archive)
    stub.serve(
        "/feed.xml",
        rss(
            ("newest", "Thu, 01 Oct 2026 12:00:00 GMT"),
            ("late", "Wed, 30 Sep 2026 18:00:00 GMT"),
            ("archive", "Thu, 10 Sep 2026 08:00:00 GMT"),
        ),
    )

    # When it is polled
    result = connector().fetch(WATCH, feed_at(stub, "/feed.xml"), cursor)

    # Then only the late entry, within a day of the cursor, is returned
    assert [m.native_id for m in result.mentions] == ["late"]
    assert result.cursor["published"] == "2026-10-01T12:00:00+00:00"


def test_an_undated_entry_is_dated_by_the_response_never_by_the_clock(stub: HttpStub) -> None:
    # Given a feed with no dates at all, served with a Last-Modified header
    modified = "Thu, 01 Oct 2026 07:45:00 GMT"
    stub.serve("/feed.xml", rss(("x", None), **{"Last-Modified": modified}))

    # When two fresh watches poll it
    first = connector().fetch(WATCH, feed_at(stub, "/feed.xml"), {})
    second = connector().fetch(WATCH, feed_at(stub, "/feed.xml"), {})

    # Then both see the same published time: the response's
    assert first.mentions[0].published_at == datetime(2026, 10, 1, 7, 45, tzinfo=UTC)
    assert second.mentions == first.mentions


@pytest.mark.parametrize(
    "body",
    [
        b"<!doctype html><html><head><title>Acme</title></head><body><p>Hi</p></body></html>",
        b"\x00\xff\xfe not a feed {",
        b"/etc/passwd",  # feedparser would read a file of that name if handed the bytes raw
    ],
)
def test_a_page_that_is_not_a_feed_is_a_clear_permanent_error(stub: HttpStub, body: bytes) -> None:
    # Given a URL that answers 200 with something that is not a feed
    stub.serve("/blog", Reply(200, body, {"Content-Type": "text/html"}))

    # When it is polled
    with pytest.raises(SourceError) as caught:
        connector().fetch(WATCH, feed_at(stub, "/blog"), {})

    # Then the error names the URL and says why
    assert str(caught.value) == f"rss: {stub.url('/blog')} is not an RSS or Atom feed"
    assert caught.value.transient is False


def test_a_missing_feed_is_a_permanent_error_asked_for_once(stub: HttpStub) -> None:
    # Given a feed URL that answers 404
    stub.serve("/gone.xml", Reply(404, "Not Found"))

    # When it is polled
    with pytest.raises(SourceError) as caught:
        connector().fetch(WATCH, feed_at(stub, "/gone.xml"), {})

    # Then the error says so, and the feed was not asked again
    host = stub.base_url.removeprefix("http://")
    assert str(caught.value) == f"rss: {host} answered 404 Not Found for /gone.xml"
    assert caught.value.transient is False
    assert len(stub.received) == 1


def test_a_feed_address_without_a_scheme_is_a_permanent_error() -> None:
    # Given a feed source whose address was typed without http(s)://
    source = SourceRef("rss", "blog.acme-robotics.example/feed.atom")

    # When it is polled
    with pytest.raises(SourceError) as caught:
        connector().fetch(WATCH, source, {})

    # Then the error says the address is not usable, and retrying would not help
    assert str(caught.value) == "rss: not an http(s) URL: blog.acme-robotics.example/feed.atom"
    assert caught.value.transient is False


def test_a_cursor_of_full_ids_from_before_digests_still_dedupes(stub: HttpStub) -> None:
    # Given a cursor written by an older version, with the full ids of what it returned
    cursor = {"published": "2026-10-01T09:00:00+00:00", "seen": ["b", "a"]}
    stub.serve(
        "/feed.xml",
        rss(
            ("c", "Thu, 01 Oct 2026 10:00:00 GMT"),
            ("b", "Thu, 01 Oct 2026 09:00:00 GMT"),
            ("a", "Wed, 30 Sep 2026 09:00:00 GMT"),
        ),
    )

    # When it is polled with that cursor
    result = connector().fetch(WATCH, feed_at(stub, "/feed.xml"), cursor)

    # Then only the entry it had not returned comes back, and the cursor is in digests now
    assert [m.native_id for m in result.mentions] == ["c"]
    assert feed_seen.load(result.cursor["seen"]) == [digest("c"), digest("b"), digest("a")]


def test_a_re_dated_entry_is_not_returned_twice(stub: HttpStub) -> None:
    # Given a feed polled once, which then moves an entry's date forward by an hour
    stub.serve(
        "/feed.xml",
        rss(("b", "Thu, 01 Oct 2026 09:00:00 GMT"), ("a", "Thu, 01 Oct 2026 08:00:00 GMT")),
        rss(("a", "Thu, 01 Oct 2026 10:00:00 GMT"), ("b", "Thu, 01 Oct 2026 09:00:00 GMT")),
    )
    rss_feed = connector()
    first = rss_feed.fetch(WATCH, feed_at(stub, "/feed.xml"), {})

    # When it is polled again
    second = rss_feed.fetch(WATCH, feed_at(stub, "/feed.xml"), first.cursor)

    # Then nothing is new
    assert second.mentions == ()


def test_the_cursor_stays_near_one_kilobyte_after_ten_thousand_entries(stub: HttpStub) -> None:
    # Given a busy feed with long ids that shows 25 new entries, a minute apart, at each poll
    start = datetime(2026, 10, 1, tzinfo=UTC)
    polls = [
        rss(
            *(
                (
                    f"https://news.example/articles/2026/10/{n:05d}-a-long-slug-of-a-headline",
                    format_datetime(start + timedelta(minutes=n)),
                )
                for n in range(first + 24, first - 1, -1)
            )
        )
        for first in range(0, 10_000, 25)
    ]
    stub.serve("/feed.xml", *polls)
    rss_feed = FeedConnector(
        replace(get_settings(), http_timeout_s=5),
        http=HttpClient("rss", timeout_s=5, sleep=lambda _: None),
        now=lambda: start + timedelta(days=30),
    )

    # When it is polled 400 times, each time with the cursor the poll before left
    cursor: dict[str, Any] = {}
    returned = 0
    for _ in polls:
        result = rss_feed.fetch(WATCH, feed_at(stub, "/feed.xml"), cursor)
        returned += len(result.mentions)
        cursor = dict(result.cursor)

    # Then every entry came back once, and the cursor stays under 1 KB (one write unit)
    assert returned == 10_000
    assert len(json.dumps(cursor)) < 800
