"""Posts on X through API v2 recent search (the last 7 days), with the authors' follower counts.

X bills per post read, so every watch has a monthly read budget
(`Settings.x_monthly_reads_per_watch`). Before each page the connector reserves up to 100 reads
with the atomic budget store and asks for no more than it reserved (`max_results`), then gives
back what the page did not use: concurrent polls cannot take a watch past its budget. A used-up
budget is a `budget` error on the watch's health until the first of the next month (UTC).
User reads for the `author_id` expansion are billed by X too, and are not counted here.

Paging: `since_id` = the newest post of the last finished run; `next_token` is kept when a run
stops at the page bound, the budget or the rate limit, and the next poll goes on from it.
`x-rate-limit-remaining: 0` stops the run until `x-rate-limit-reset`; 429 and 5xx are retried by
`HttpClient` (honouring `Retry-After`). 401/403 are rejected credentials, never retried.

Cursor: ``{"start_time": ISO (only before the first run: how far back a new watch reads),
"since_id": str | None, "newest_id": str | None, "next_token": str | None,
"paused_until": <epoch> | None}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.ports import BudgetRepository
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.access import (
    default_budgets,
    rejected,
    x_allowance,
)
from chalicelib.sources.base import HttpClient
from chalicelib.sources.credentials import SecretReader, require_secret
from chalicelib.sources.credentials import get_secret as read_secret
from chalicelib.sources.query import quoted, terms_of
from chalicelib.sources.values import convert_each, count, counts, listed, utc_time

KIND = "x"
SEARCHABLE = timedelta(days=7) - timedelta(minutes=5)  # recent search: the last 7 days
MIN_RESULTS = 10  # X refuses max_results below 10
MAX_RESULTS = 100
TWITTER_EPOCH_MS = 1288834974657
TWEET_FIELDS = "created_at,author_id,lang,public_metrics,note_tweet"
USER_FIELDS = "username,name,public_metrics,verified"
RATE_LIMIT = ("x-rate-limit-remaining", "x-rate-limit-reset")  # reset: epoch seconds


class XConnector:
    """Polls recent search for a watch's query, within the watch's monthly read budget."""

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
        self._url = settings.x_url.rstrip("/") + "/tweets/search/recent"
        self._http = http or HttpClient.from_settings(KIND, settings, rate_limit=RATE_LIMIT)
        self._budgets = budgets
        self._secrets = secrets
        self._parameter = settings.x_token_parameter
        self._limit = settings.x_monthly_reads_per_watch
        self._max_pages = max(1, settings.poll_max_pages)
        self._lookback = lookback
        self._now = now

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        terms = terms_of(KIND, watch)
        now = self._now()
        paused = count(cursor.get("paused_until"))
        if paused is not None and paused > now.timestamp():
            logger.info("rate limited, poll skipped", source=KIND, until=paused)
            return FetchResult(mentions=(), cursor=dict(cursor))
        token = require_secret(KIND, self._parameter, self._secrets)
        allowance = x_allowance(watch.id, self._limit, self._budgets or default_budgets(), now)
        since_id = _str(cursor.get("since_id"))
        newest_id = _str(cursor.get("newest_id"))
        next_token = _str(cursor.get("next_token"))
        params: dict[str, str | int] = {
            "query": " OR ".join(quoted(t) for t in terms) + " -is:retweet",
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        else:  # a new watch: the last day (a backfill sets an earlier start), not the week
            start = utc_time(cursor.get("start_time")) or now - self._lookback
            params["start_time"] = max(start, now - SEARCHABLE).strftime("%Y-%m-%dT%H:%M:%SZ")
        found: list[Mention] = []
        done = False
        paused_until: int | None = None
        for page in range(self._max_pages):
            reserve = min(MAX_RESULTS, allowance.remaining())
            if reserve < MIN_RESULTS or not allowance.take(reserve):
                if page == 0 and next_token is None:
                    raise allowance.error()
                break
            page_params = {**params, "max_results": reserve}
            if next_token:
                page_params["next_token"] = next_token
            try:
                response = self._http.get(
                    self._url, params=page_params, headers={"Authorization": f"Bearer {token}"}
                )
            except SourceError as error:
                allowance.give_back(reserve)
                raise rejected(error, KIND, self._parameter) from None
            body = _json(response.body)
            mentions = parse_body(body)
            allowance.give_back(reserve - len(body.get("data") or []))
            found.extend(mentions)
            meta: dict[str, Any] = body["meta"] if isinstance(body.get("meta"), dict) else {}
            if newest_id is None or (next_token is None and meta.get("newest_id")):
                newest_id = _str(meta.get("newest_id")) or newest_id
            next_token = _str(meta.get("next_token"))
            if not next_token:
                done = True
                break
            if response.headers.get("x-rate-limit-remaining") == "0":
                paused_until = count(response.headers.get("x-rate-limit-reset"))
                logger.warning("rate limit reached", source=KIND, reset=paused_until)
                break
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(found))
        return FetchResult(
            mentions=tuple({m.native_id: m for m in found}.values()),
            cursor={
                **({} if done or since_id else {"start_time": params["start_time"]}),
                "since_id": (newest_id or since_id) if done else since_id,
                "newest_id": None if done else newest_id,
                "next_token": None if done else next_token,
                "paused_until": paused_until,
            },
        )


def parse(body: bytes) -> list[Mention]:
    """Mentions in a recent-search response (for `tidings source parse`)."""
    return parse_body(_json(body))


def parse_body(body: Mapping[str, Any]) -> list[Mention]:
    includes = body.get("includes") if isinstance(body.get("includes"), dict) else {}
    users = {
        str(u.get("id")): u
        for u in listed(KIND, (includes or {}).get("users"), "includes.users")
        if isinstance(u, dict)
    }
    posts = listed(KIND, body.get("data"), "data")
    return convert_each(KIND, posts, lambda post: _post(post, users))


def _post(post: Any, users: Mapping[str, Any]) -> Mention | None:
    if not isinstance(post, dict) or not post.get("id"):
        return None
    post_id = str(post["id"])
    user = users.get(str(post.get("author_id") or ""), {})
    username = str(user.get("username") or "")
    note = post.get("note_tweet") if isinstance(post.get("note_tweet"), dict) else {}
    metrics = post.get("public_metrics") or {}
    return Mention(
        source=KIND,
        native_id=post_id,
        url=f"https://x.com/{username or 'i/web'}/status/{post_id}",
        text=str((note or {}).get("text") or post.get("text") or ""),
        published_at=utc_time(post.get("created_at")) or _snowflake_time(post_id),
        author=Author(
            name=str(user.get("name") or ""),
            handle=username,
            url=f"https://x.com/{username}" if username else "",
            reach=count((user.get("public_metrics") or {}).get("followers_count")),
        ),
        language=str(post["lang"]) if post.get("lang") not in (None, "und") else None,
        engagement=counts(
            {
                "likes": metrics.get("like_count"),
                "reposts": metrics.get("retweet_count"),
                "replies": metrics.get("reply_count"),
                "quotes": metrics.get("quote_count"),
                "impressions": metrics.get("impression_count"),
            }
        ),
    )


def _snowflake_time(post_id: str) -> datetime:
    """A post id encodes its creation time: used when `created_at` was not requested."""
    try:
        millis = (int(post_id) >> 22) + TWITTER_EPOCH_MS
    except ValueError:
        raise SourceError(KIND, f"post {post_id!r} has no time", transient=False) from None
    return datetime.fromtimestamp(millis / 1000, UTC)


def _json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    if not isinstance(body, dict):
        raise SourceError(KIND, "response is not a JSON object", transient=False)
    return body


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and value != "" else None
