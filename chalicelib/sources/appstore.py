"""Apple App Store customer reviews, from the (undocumented, keyless) reviews RSS in JSON.

Target: ``<app id>@<country>``, e.g. ``1592550875@in`` (the country is the storefront's
two-letter code; ``us`` when omitted). Reviews come newest first, about 50 a page, and page 10 is
the oldest Apple serves, so at most ~500 recent reviews are ever reachable. A poll reads pages
until it meets a review not newer than the cursor, an empty page, or the page bound.
Reviews carry no language and no reviewer reach; the star rating and the helpfulness votes are
the engagement.

A run cut short by the page bound keeps the page to go on from; reviews that arrive meanwhile
push older ones down, so resuming may repeat a review (dropped downstream), never skip one.

Cursor: ``{"updated": ISO of the newest review seen, "seen": [ids updated at that time],
"page": <next page of an unfinished run>, "run": {"updated", "seen"} of that run so far}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.values import count, counts, utc_time

KIND = "appstore"
LAST_PAGE = 10
TARGET = re.compile(r"^(?:id)?(\d{1,12})(?:@([A-Za-z]{2}))?$")


def parse_target(target: str) -> tuple[str, str]:
    """`<app id>@<country>` as (app id, lower-case country)."""
    match = TARGET.match(target.strip())
    if not match:
        raise SourceError(
            KIND,
            f"target {target!r} is not <app id>@<country>, e.g. 1592550875@us",
            transient=False,
        )
    return match.group(1), (match.group(2) or "us").lower()


class AppStoreConnector:
    """Polls the most recent reviews of one app in one country's store."""

    kind = KIND
    target_hint = "<app id>@<country>, e.g. 1592550875@us"

    def __init__(self, settings: Settings, *, http: HttpClient | None = None) -> None:
        self._base = settings.appstore_url.rstrip("/")
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._max_pages = max(1, min(settings.poll_max_pages, LAST_PAGE))

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        app_id, country = parse_target(source.target)
        last, seen = _mark(cursor)
        run = _mark(cursor["run"]) if isinstance(cursor.get("run"), Mapping) else (None, set())
        start = _page(cursor.get("page")) if run[0] is not None else 1
        found: dict[str, Mention] = {}
        finished = False
        page = start
        for page in range(start, min(start + self._max_pages, LAST_PAGE + 1)):
            url = (
                f"{self._base}/{country}/rss/customerreviews/page={page}"
                f"/id={app_id}/sortby=mostrecent/json"
            )
            try:
                reviews = parse_reviews(self._http.get_json(url))
            except SourceError as error:
                if error.transient or page == 1:
                    raise
                # past the last page Apple may answer an error rather than an empty feed
                logger.info("no more review pages", source=KIND, page=page, error=str(error))
                reviews = []
            fresh = [
                r
                for r in reviews
                if last is None
                or r.published_at > last
                or (r.published_at == last and r.native_id not in seen)
            ]
            found.update((r.native_id, r) for r in fresh)
            if not reviews or len(fresh) < len(reviews) or page == LAST_PAGE:
                finished = True
                break
        mentions = sorted(found.values(), key=lambda m: m.published_at, reverse=True)
        run = _newest(run, mentions)
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        if finished:
            return FetchResult(
                mentions=tuple(mentions), cursor=_as_cursor(_later(run, (last, seen)))
            )
        return FetchResult(
            mentions=tuple(mentions),
            cursor={**_as_cursor((last, seen)), "page": page + 1, "run": _as_cursor(run)},
        )


def parse(body: bytes) -> list[Mention]:
    """Reviews in one page of the JSON feed (for `tidings source parse`)."""
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    return parse_reviews(data)


def parse_reviews(data: Any) -> list[Mention]:
    feed = data.get("feed") if isinstance(data, dict) else None
    if not isinstance(feed, dict):
        raise SourceError(KIND, "response has no feed", transient=False)
    entries = feed.get("entry") or []
    entries = [entries] if isinstance(entries, dict) else entries  # one review: not a list
    reviews = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or "im:rating" not in entry:
            continue  # older feeds start with the app's own metadata entry
        review_id = _label(entry.get("id"))
        published = utc_time(_label(entry.get("updated")))
        if not review_id or published is None:
            continue
        author = _dict(entry.get("author"))
        href = str(_dict(_dict(entry.get("link")).get("attributes")).get("href") or "")
        rating = _label(entry.get("im:rating"))
        reviews.append(
            Mention(
                source=KIND,
                native_id=review_id,
                url=href.replace("http://", "https://", 1),
                title=_label(entry.get("title")),
                text=_label(entry.get("content")),
                published_at=published,
                author=Author(
                    name=_label(author.get("name")),
                    url=_label(author.get("uri")).replace("http://", "https://", 1),
                ),
                engagement=counts(
                    {
                        "rating": rating,
                        "helpful_votes": _label(entry.get("im:voteSum")),
                        "votes": _label(entry.get("im:voteCount")),
                    }
                ),
                language=None,
            )
        )
    return reviews


def _dict(node: Any) -> dict[str, Any]:
    return node if isinstance(node, dict) else {}


def _label(node: Any) -> str:
    """Apple's JSON wraps every value as {"label": value}."""
    return str(node.get("label") or "") if isinstance(node, dict) else ""


Mark = tuple[datetime | None, set[str]]  # the newest review time, and the ids updated then


def _mark(cursor: Mapping[str, Any]) -> Mark:
    seen = cursor.get("seen")
    return utc_time(cursor.get("updated")), set(seen) if isinstance(seen, list) else set()


def _newest(mark: Mark, mentions: list[Mention]) -> Mark:
    """The mark moved to the newest of `mentions`, when they are newer."""
    if not mentions:
        return mark
    newest = mentions[0].published_at
    ids = {m.native_id for m in mentions if m.published_at == newest}
    return _later(mark, (newest, ids))


def _later(a: Mark, b: Mark) -> Mark:
    if a[0] is None or (b[0] is not None and b[0] > a[0]):
        return b
    if b[0] is None or a[0] > b[0]:
        return a
    return a[0], a[1] | b[1]


def _as_cursor(mark: Mark) -> dict[str, Any]:
    when, ids = mark
    return {"updated": when.isoformat(), "seen": sorted(ids)} if when is not None else {}


def _page(value: Any) -> int:
    page = count(value)
    return page if page is not None and 1 <= page <= LAST_PAGE else 1
