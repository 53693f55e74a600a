"""Hacker News stories and comments, through the Algolia HN Search API (no auth).

Algolia ANDs the words of a query, so each term of the watch's query is its own search; hits
are merged by objectID. Searches walk newest first from the cursor, and are built not to miss:

* each search re-reads a short overlap before the cursor, because Algolia indexes some items
  after newer ones; ids already returned there are remembered and skipped, so none comes twice;
* when a search stops at the page bound with results left, the window past the cursor it did
  not reach is kept as a gap and fetched first on the next poll.

Cursor: ``{"created_at_i": <newest epoch seen>, "seen": {objectID: epoch},
"gaps": {term: [[lo, hi], ...]}}``; a gap means ``lo < created_at_i <= hi`` is still to fetch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.matching import QueryError, parse_terms
from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.values import convert_each

KIND = "hackernews"
ALGOLIA_MAX_HITS = 1000  # Algolia pages no deeper than this in one query
SEEN_LIMIT = 1000
MAX_TIME = 253_402_300_800  # year 10000: a later created_at_i is garbage
MAX_GAPS_PER_TERM = 10

Hit = Mapping[str, Any]
# (lo, hi, owed): search lo < created_at_i <= hi (hi None: no upper bound); if the page bound
# stops it, what is left above `owed` becomes a gap (below it is only the overlap's re-check).
Window = tuple[int, int | None, int]


class HackerNewsConnector:
    """Polls `search_by_date` for each term of a watch's query."""

    kind = KIND

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        hits_per_page: int = 100,
        lookback: timedelta = timedelta(hours=24),
        overlap: timedelta = timedelta(minutes=2),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._url = settings.hackernews_url.rstrip("/") + "/search_by_date"
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._per_page = max(1, min(hits_per_page, ALGOLIA_MAX_HITS))
        self._max_pages = max(1, min(settings.poll_max_pages, ALGOLIA_MAX_HITS // self._per_page))
        self._lookback = int(lookback.total_seconds())
        self._overlap = int(overlap.total_seconds())
        self._now = now

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        try:
            terms = parse_terms(watch.query)
        except QueryError as exc:
            raise SourceError(
                KIND, f"cannot search for the query: {exc}", transient=False
            ) from None
        since = _int(cursor.get("created_at_i"))
        if since is None:  # a new watch: the last day, not all of history
            since = int(self._now().timestamp()) - self._lookback
            start = since
        else:
            start = since - self._overlap
        seen = _seen(cursor.get("seen"))
        old_gaps = _gaps(cursor.get("gaps"))
        fetched: dict[str, Hit] = {}
        gaps: dict[str, list[list[int]]] = {}
        for term in terms:
            windows: list[Window] = [(lo, hi, lo) for lo, hi in old_gaps.get(term, [])]
            windows.append((start, None, since))
            for window in windows:
                rest = self._search(term, window, fetched)
                if rest is not None:
                    gaps.setdefault(term, []).append(rest)
        newest = max([since, *(int(hit["created_at_i"]) for hit in fetched.values())])
        gaps = {term: _bounded(windows) for term, windows in gaps.items()}
        mentions = sorted(
            convert_each(KIND, [h for i, h in fetched.items() if i not in seen], to_mention),
            key=lambda m: (m.published_at, m.native_id),
            reverse=True,
        )
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        return FetchResult(
            mentions=tuple(mentions),
            cursor={
                "created_at_i": newest,
                "seen": _remember(seen, fetched, newest - self._overlap, gaps),
                "gaps": gaps,
            },
        )

    def _search(self, term: str, window: Window, into: dict[str, Hit]) -> list[int] | None:
        """Fetch one window newest first into `into`; return the part the page bound left."""
        lo, hi, owed = window
        numeric = f"created_at_i>{lo}" + (f",created_at_i<={hi}" if hi is not None else "")
        params: dict[str, str | int] = {
            "query": f'"{term}"' if " " in term else term,
            "tags": "(story,comment)",
            "numericFilters": numeric,
            "hitsPerPage": self._per_page,
        }
        if " " in term:
            params["advancedSyntax"] = "true"
        oldest: int | None = None
        for page in range(self._max_pages):
            body = self._http.get_json(self._url, params={**params, "page": page})
            hits = body.get("hits") if isinstance(body, dict) else None
            if not isinstance(hits, list):
                raise SourceError(KIND, "response has no hits list", transient=False)
            for hit in hits:
                if not _valid(hit):
                    logger.warning("hit skipped", source=KIND, reason="no objectID or created_at_i")
                    continue
                into[str(hit["objectID"])] = hit
                created = int(hit["created_at_i"])
                oldest = created if oldest is None else min(oldest, created)
            total = _int(body.get("nbHits"))
            if len(hits) < self._per_page or (
                total is not None and total <= (page + 1) * self._per_page
            ):
                return None
        upper = oldest if oldest is not None else hi
        return [owed, upper] if upper is not None and upper > owed else None


def parse(body: bytes) -> list[Mention]:
    """An Algolia search answer (`hits`) as mentions with plain text, as the pipeline keeps
    them; for `tidings source parse`."""
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    hits = data.get("hits") if isinstance(data, dict) else None
    if not isinstance(hits, list):
        raise SourceError(KIND, "response has no hits list", transient=False)
    mentions = convert_each(KIND, [h for h in hits if _valid(h)], to_mention)
    return [replace(m, text=plain_text(m.text)) for m in mentions]


def to_mention(hit: Hit) -> Mention:
    """An Algolia hit as a mention; the HTML in the text is kept for the pipeline to strip."""
    object_id = str(hit["objectID"])
    author = str(hit.get("author") or "")
    tags = hit.get("_tags")
    is_comment = isinstance(tags, list) and "comment" in tags
    engagement = {
        name: value
        for name, field in (("points", "points"), ("comments", "num_comments"))
        if isinstance(value := hit.get(field), int) and not isinstance(value, bool)
    }
    return Mention(
        source=KIND,
        native_id=object_id,
        url=f"https://news.ycombinator.com/item?id={object_id}",
        title="" if is_comment else str(hit.get("title") or ""),
        text=str(hit.get("comment_text") or hit.get("story_text") or ""),
        published_at=datetime.fromtimestamp(int(hit["created_at_i"]), UTC),
        author=Author(
            name=author,
            handle=author,
            url=f"https://news.ycombinator.com/user?id={author}" if author else "",
        ),
        language=None,
        engagement=engagement,
    )


def _valid(hit: Any) -> bool:
    return (
        isinstance(hit, dict)
        and bool(hit.get("objectID"))
        and (when := _int(hit.get("created_at_i"))) is not None
        and 0 <= when < MAX_TIME
    )


def _int(value: Any) -> int | None:
    """An int from JSON or DynamoDB (which hands numbers back as Decimal); None if it is not."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        return None


def _seen(value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): t for k, v in value.items() if (t := _int(v)) is not None}


def _gaps(value: Any) -> dict[str, list[tuple[int, int]]]:
    gaps: dict[str, list[tuple[int, int]]] = {}
    if not isinstance(value, Mapping):
        return gaps
    for term, windows in value.items():
        for window in windows if isinstance(windows, list) else ():
            bounds = [_int(b) for b in window] if isinstance(window, list) else []
            if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
                gaps.setdefault(str(term), []).append((bounds[0], bounds[1]))
    return gaps


def _bounded(windows: list[list[int]]) -> list[list[int]]:
    """At most MAX_GAPS_PER_TERM gaps: merge the oldest two (refetching beats missing)."""
    windows = sorted(windows)
    while len(windows) > MAX_GAPS_PER_TERM:
        windows[:2] = [[windows[0][0], windows[1][1]]]
    return windows


def _remember(
    seen: Mapping[str, int],
    fetched: Mapping[str, Hit],
    floor: int,
    gaps: Mapping[str, list[list[int]]],
) -> dict[str, int]:
    """Ids a later search can return again: those in the overlap and on a gap's upper edge."""
    edges = {hi for windows in gaps.values() for _, hi in windows}
    times = {**seen, **{k: int(hit["created_at_i"]) for k, hit in fetched.items()}}
    keep = sorted(
        ((t, k) for k, t in times.items() if t > floor or t in edges),
        reverse=True,
    )[:SEEN_LIMIT]
    return {k: t for t, k in keep}
