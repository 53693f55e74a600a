"""YouTube videos (`search.list`) and their comments (`commentThreads.list`), within a quota.

The Data API's daily quota is the project's, shared by every watch, so each call is paid for
before it is made from `Settings.youtube_daily_quota_units` (search.list 100 units, the other
lists 1): an exhausted quota stops the poll with a `budget` error until midnight Pacific.
About 100 searches a day is all the default quota allows, whatever the number of watches.

* Videos: `search.list` with `order=date&publishedAfter=<since>`, newest first. A run that stops
  at the page bound or the quota keeps its `nextPageToken` and `since`, and the next poll goes
  on from there (new videos push older ones down, so resuming repeats, never skips); a run that
  reaches the end moves `since` to the newest video it saw.
* Engagement and reach: one `videos.list` and one `channels.list` per page (1 unit each).
* Comments: the newest `TRACKED_VIDEOS` videos are followed; each poll reads one page of each
  (`order=time`) and keeps comments newer than that video's last one. Videos whose comments are
  off (403) are dropped from the list.

Cursor: ``{"since": ISO, "newest": ISO, "page_token": str | None,
"videos": {videoId: ISO of its newest comment seen}}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.ports import BudgetRepository
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.access import (
    Allowance,
    default_budgets,
    rejected,
    youtube_allowance,
)
from chalicelib.sources.base import HttpClient, Params
from chalicelib.sources.credentials import SecretReader, require_secret
from chalicelib.sources.credentials import get_secret as read_secret
from chalicelib.sources.query import quoted, terms_of
from chalicelib.sources.values import convert_each, count, counts, listed, utc_time

KIND = "youtube"
SEARCH_COST = 100
LIST_COST = 1
TRACKED_VIDEOS = 10
WATCH_URL = "https://www.youtube.com/watch?v="
CHANNEL_URL = "https://www.youtube.com/channel/"


class YouTubeConnector:
    """Polls videos matching a watch's query, and the comments on the newest of them."""

    kind = KIND

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        budgets: BudgetRepository | None = None,
        secrets: SecretReader = read_secret,
        lookback: timedelta = timedelta(hours=24),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._base = settings.youtube_url.rstrip("/")
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._budgets = budgets
        self._secrets = secrets
        self._parameter = settings.youtube_key_parameter
        self._quota = settings.youtube_daily_quota_units
        self._max_pages = max(1, settings.poll_max_pages)
        self._lookback = lookback
        self._now = now

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        terms = terms_of(KIND, watch)
        key = require_secret(KIND, self._parameter, self._secrets)
        now = self._now()
        allowance = youtube_allowance(self._quota, self._budgets or default_budgets(), now)
        since = utc_time(cursor.get("since")) or now - self._lookback
        newest = utc_time(cursor.get("newest")) or since
        token = cursor.get("page_token") if isinstance(cursor.get("page_token"), str) else None
        params: dict[str, str | int] = {
            "part": "snippet",
            "q": " | ".join(quoted(t) for t in terms),
            "type": "video",
            "order": "date",
            "publishedAfter": _rfc3339(since),
            "maxResults": 50,
            "key": key,
        }
        videos: list[Mention] = []
        done = False
        for page in range(self._max_pages):
            if not allowance.take(SEARCH_COST):
                if page == 0 and token is None:
                    raise allowance.error()
                break
            body = self._get("search", {**params, **({"pageToken": token} if token else {})})
            found = parse_search(body)
            videos.extend(self._enriched(found, key, allowance))
            newest = max([newest, *(m.published_at for m in found)])
            token = body.get("nextPageToken") or None
            if not token:
                done = True
                break
        tracked = _tracked(cursor.get("videos"), videos)
        comments, tracked = self._comments(tracked, key, allowance)
        logger.info(
            "mentions fetched",
            source=KIND,
            watch_id=watch.id,
            videos=len(videos),
            comments=len(comments),
        )
        return FetchResult(
            mentions=tuple({m.native_id: m for m in videos + comments}.values()),
            cursor={
                "since": _rfc3339(newest if done else since),
                "newest": _rfc3339(newest),
                "page_token": None if done else token,
                "videos": tracked,
            },
        )

    def _get(self, endpoint: str, params: Params) -> dict[str, Any]:
        try:
            body = self._http.get_json(f"{self._base}/{endpoint}", params=params)
        except SourceError as error:
            raise rejected(error, KIND, self._parameter) from None
        if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
            raise SourceError(KIND, f"{endpoint} response has no items list", transient=False)
        return body

    def _enriched(self, videos: list[Mention], key: str, allowance: Allowance) -> list[Mention]:
        """Views, likes and comments from videos.list, subscribers from channels.list."""
        if not videos:
            return videos
        stats: dict[str, Mapping[str, Any]] = {}
        reach: dict[str, int] = {}
        if allowance.take(LIST_COST):
            ids = ",".join(m.native_id for m in videos)
            body = self._get("videos", {"part": "statistics", "id": ids, "key": key})
            stats = {str(v.get("id")): v.get("statistics") or {} for v in body.get("items", [])}
        channels = sorted({m.author.handle for m in videos if m.author.handle})
        if channels and allowance.take(LIST_COST):
            body = self._get(
                "channels", {"part": "statistics", "id": ",".join(channels), "key": key}
            )
            reach = {
                str(c.get("id")): n
                for c in body.get("items", [])
                if not (c.get("statistics") or {}).get("hiddenSubscriberCount")
                and (n := count((c.get("statistics") or {}).get("subscriberCount"))) is not None
            }
        return [_with_stats(m, stats.get(m.native_id), reach.get(m.author.handle)) for m in videos]

    def _comments(
        self, tracked: dict[str, str], key: str, allowance: Allowance
    ) -> tuple[list[Mention], dict[str, str]]:
        found: list[Mention] = []
        kept = dict(tracked)
        for video_id, last in tracked.items():
            if not allowance.take(LIST_COST):
                break
            params: dict[str, str | int] = {
                "part": "snippet",
                "videoId": video_id,
                "order": "time",
                "maxResults": 100,
                "textFormat": "plainText",
                "key": key,
            }
            try:
                body = self._get("commentThreads", params)
            except SourceError as error:
                if error.reason != "credentials":
                    raise
                logger.info("comments unavailable", source=KIND, video_id=video_id)
                del kept[video_id]  # comments turned off (403): stop asking
                continue
            since = utc_time(last)
            new = [m for m in parse_comments(body) if since is None or m.published_at > since]
            found.extend(new)
            if new:
                kept[video_id] = _rfc3339(max(m.published_at for m in new))
        return found, kept


def parse(body: bytes) -> list[Mention]:
    """Mentions in a search.list or commentThreads.list response (for `tidings source parse`)."""
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    if not isinstance(data, dict):
        raise SourceError(KIND, "response is not a JSON object", transient=False)
    if data.get("kind") == "youtube#commentThreadListResponse":
        return parse_comments(data)
    return parse_search(data)


def parse_search(data: Mapping[str, Any]) -> list[Mention]:
    items = listed(KIND, data.get("items"), "items")
    return convert_each(KIND, items, _search_item)


def _search_item(item: Any) -> Mention | None:
    ident = item.get("id") if isinstance(item, dict) else None
    snippet = item.get("snippet") if isinstance(item, dict) else None
    if not isinstance(ident, dict) or not isinstance(snippet, dict):
        return None
    video_id = ident.get("videoId")
    published = utc_time(snippet.get("publishedAt"))
    if ident.get("kind") != "youtube#video" or not video_id or published is None:
        return None
    channel = str(snippet.get("channelId") or "")
    return Mention(
        source=KIND,
        native_id=str(video_id),
        url=WATCH_URL + str(video_id),
        title=str(snippet.get("title") or ""),
        text=str(snippet.get("description") or ""),
        published_at=published,
        author=Author(
            name=str(snippet.get("channelTitle") or ""),
            handle=channel,
            url=CHANNEL_URL + channel if channel else "",
        ),
    )


def parse_comments(data: Mapping[str, Any]) -> list[Mention]:
    items = listed(KIND, data.get("items"), "items")
    return convert_each(KIND, items, _comment_item)


def _comment_item(item: Any) -> Mention | None:
    thread = item.get("snippet") if isinstance(item, dict) else None
    top = thread.get("topLevelComment") if isinstance(thread, dict) else None
    comment = top.get("snippet") if isinstance(top, dict) else None
    if not isinstance(thread, dict) or not isinstance(top, dict) or not comment:
        return None
    comment_id = str(top.get("id") or item.get("id") or "")
    video_id = str(comment.get("videoId") or thread.get("videoId") or "")
    published = utc_time(comment.get("publishedAt"))
    if not comment_id or not video_id or published is None:
        return None
    channel = comment.get("authorChannelId") or {}
    channel_url = str(comment.get("authorChannelUrl") or "")
    return Mention(
        source=KIND,
        native_id=comment_id,
        url=f"{WATCH_URL}{video_id}&lc={comment_id}",
        text=str(comment.get("textOriginal") or comment.get("textDisplay") or ""),
        published_at=published,
        author=Author(
            name=str(comment.get("authorDisplayName") or ""),
            handle=str(channel.get("value") or "") if isinstance(channel, dict) else "",
            url=channel_url.replace("http://", "https://", 1),
        ),
        engagement=counts(
            {"likes": comment.get("likeCount"), "replies": thread.get("totalReplyCount")}
        ),
    )


def _with_stats(mention: Mention, stats: Mapping[str, Any] | None, reach: int | None) -> Mention:
    engagement = counts(
        {
            "views": (stats or {}).get("viewCount"),
            "likes": (stats or {}).get("likeCount"),
            "comments": (stats or {}).get("commentCount"),
        }
    )
    return replace(mention, engagement=engagement, author=replace(mention.author, reach=reach))


def _tracked(old: Any, videos: list[Mention]) -> dict[str, str]:
    """The newest videos to follow for comments, each with the time of its newest comment."""
    times: dict[str, str] = {}
    if isinstance(old, Mapping):
        times.update({str(k): str(v) for k, v in old.items()})
    for video in videos:
        times.setdefault(video.native_id, _rfc3339(video.published_at))
    ordered = sorted(times.items(), key=lambda kv: kv[1], reverse=True)[:TRACKED_VIDEOS]
    return dict(ordered)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
