"""RSS 2.0 and Atom feeds, generic blogs and Google News searches alike; the target is the URL.

A conditional GET keeps an unchanged feed to one cheap 304. The bytes are parsed by feedparser
from memory, so it never touches the network or the file system itself. Feeds reorder and
re-date entries, so an entry is new when its id was not seen before and it is not older than
the newest date seen minus a tolerance.

Cursor: ``{"etag": str | None, "modified": str | None, "published": <ISO time> | None,
"seen": <digests of entry ids, 8 characters each, newest first>}`` (see `feed_seen`): every entry
dated within the tolerance of the newest (those the next poll could take for new), then older
ones up to `SEEN_KEEP`; a busy feed's cursor stays near 1 KB, one write unit a poll.
"""

from __future__ import annotations

import calendar
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources import feed_seen
from chalicelib.sources.base import HttpClient, HttpResponse
from chalicelib.sources.values import MALFORMED

KIND = "rss"
SEEN_KEEP = 64  # digests carried over from earlier polls while the total is below this
SEEN_LIMIT = 1000  # at most this many, even when a feed has more entries inside the tolerance
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_PARSER_HEADERS = ("content-type", "content-language", "content-location")


class FeedConnector:
    """Polls one feed URL (`SourceRef.target`) and returns the entries it has not returned yet."""

    kind = KIND
    target_hint = "the feed's http(s) URL"

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        tolerance: timedelta = timedelta(days=1),
        seen_limit: int = SEEN_LIMIT,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._tolerance = tolerance
        self._seen_limit = seen_limit
        self._now = now

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        url = source.target.strip()
        if not url:
            raise SourceError(KIND, "the source has no feed URL", transient=False)
        headers = {"Accept": ACCEPT}
        if cursor.get("etag"):
            headers["If-None-Match"] = str(cursor["etag"])
        if cursor.get("modified"):
            headers["If-Modified-Since"] = str(cursor["modified"])
        response = self._http.get(url, headers=headers)
        if response.status == 304:
            return FetchResult(mentions=(), cursor=dict(cursor), not_modified=True)

        parsed = parse_feed(url, response)
        feed: Mapping[str, Any] = parsed["feed"]
        fallback = _from_struct(feed.get("updated_parsed")) or _http_date(response.headers)
        entries = list(_mentions(parsed["entries"], feed, fallback))
        since = _from_iso(cursor.get("published"))
        seen = feed_seen.load(cursor.get("seen"))
        known = set(seen)
        floor = since - self._tolerance if since else None
        new = [
            m
            for m in entries
            if feed_seen.digest(m.native_id) not in known
            and (floor is None or m.published_at >= floor)
        ]
        entries.sort(key=lambda m: m.published_at, reverse=True)
        newest = max([m.published_at for m in entries] + ([since] if since else []), default=None)
        if newest is not None:  # a future-dated entry must not hide the next real ones
            newest = min(newest, max(self._now(), since) if since else self._now())
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(new))
        return FetchResult(
            mentions=tuple(new),
            cursor={
                "etag": response.headers.get("ETag"),
                "modified": response.headers.get("Last-Modified"),
                "published": newest.isoformat() if newest else None,
                "seen": feed_seen.dump(
                    _recent(entries, newest, self._tolerance),
                    seen,
                    keep=SEEN_KEEP,
                    most=self._seen_limit,
                ),
            },
        )


def _recent(entries: list[Mention], newest: datetime | None, tolerance: timedelta) -> list[str]:
    """Digests of the entries the next poll's date floor still lets through, newest first."""
    floor = newest - tolerance if newest else None
    return [
        feed_seen.digest(m.native_id) for m in entries if floor is None or m.published_at >= floor
    ]


def parse(body: bytes, url: str = "") -> list[Mention]:
    """A feed's bytes as mentions with plain text, as the pipeline keeps them; for `tidings
    source parse` (relative links need `url`)."""
    parsed = parse_feed(url or "feed", HttpResponse(200, {}, body, url))
    feed: Mapping[str, Any] = parsed["feed"]
    entries = _mentions(parsed["entries"], feed, _from_struct(feed.get("updated_parsed")))
    base = url or str(feed.get("link") or "")  # without the feed's URL, its site's
    return [
        replace(m, url=urljoin(base, m.url), text=plain_text(m.text), title=plain_text(m.title))
        for m in entries
    ]


def parse_feed(url: str, response: HttpResponse) -> Any:
    """feedparser's result for the bytes; a body it cannot read as a feed is a permanent error."""
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() in _PARSER_HEADERS}
    headers.setdefault("content-location", response.url or url)  # resolves relative links
    try:
        parsed = feedparser.parse(io.BytesIO(response.body), response_headers=headers)
    except Exception:  # feedparser itself raises on some corrupt bytes (found by fuzzing)
        raise SourceError(KIND, f"{url} is not a readable feed", transient=False) from None
    if not parsed.get("version") and not parsed.get("entries"):
        raise SourceError(KIND, f"{url} is not an RSS or Atom feed", transient=False)
    if parsed.get("bozo"):
        error = type(parsed.get("bozo_exception")).__name__
        logger.info("feed is malformed but readable", source=KIND, error=error)
    return parsed


def _mentions(
    entries: Iterable[Mapping[str, Any]], feed: Mapping[str, Any], fallback: datetime | None
) -> Iterable[Mention]:
    for entry in entries:
        try:
            mention = to_mention(entry, feed, fallback)
        except MALFORMED:  # e.g. a date past the year 9000 (found by fuzzing)
            mention = None
        if mention is None:
            logger.warning("feed entry skipped", source=KIND, reason="no id, link or date")
        else:
            yield mention


def to_mention(
    entry: Mapping[str, Any], feed: Mapping[str, Any], fallback: datetime | None
) -> Mention | None:
    """One feed entry as a mention; its time comes from the feed, never from our clock."""
    native_id = str(entry.get("id") or entry.get("link") or "")
    published = (
        _from_struct(entry.get("published_parsed"))
        or _from_struct(entry.get("updated_parsed"))
        or fallback
    )
    if not native_id or published is None:
        return None
    origin: Mapping[str, Any] = entry.get("source") or {}
    content = entry.get("content") or [{}]
    detail: Mapping[str, Any] = entry.get("author_detail") or {}
    link = entry.get("link") or (native_id if native_id.startswith("http") else feed.get("link"))
    return Mention(
        source=KIND,
        native_id=native_id,
        url=str(link or ""),
        title=str(entry.get("title") or ""),
        text=str(content[0].get("value") or entry.get("summary") or ""),
        published_at=published,
        author=Author(
            name=str(entry.get("author") or origin.get("title") or feed.get("title") or ""),
            url=str(origin.get("href") or detail.get("href") or ""),
        ),
        language=feed.get("language") or None,
    )


def _from_struct(value: Any) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _from_iso(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when and when.tzinfo is None else when


def _http_date(headers: Mapping[str, str]) -> datetime | None:
    """The response's own time: same body, same headers, same dates."""
    for name in ("Last-Modified", "Date"):
        try:
            when = parsedate_to_datetime(headers.get(name) or "")
        except (TypeError, ValueError):
            continue
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return None
