"""Reddit: posts through search and, for a subreddit, its new comments, with app-only OAuth.

With a client id and secret (SSM `<prefix>/sources/reddit/client-id` and `client-secret`) the
connector uses `oauth.reddit.com`; the token is cached in the process until it expires, so a
poll does not log in. Without them it falls back to the public `search.rss` feed, which Reddit
throttles hard (about one request a minute per IP): its 429s are retried on the next poll.
Search returns posts (t3) only, hence the comments listing when the target names a subreddit.
Listings are walked newest first (`sort=new`) until a page reaches the cursor or the page bound.

Cursor: `chalicelib.sources.since` (the newest `created_utc` and the ids at that second).
"""

from __future__ import annotations

import base64
import calendar
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient, credentials_rejected
from chalicelib.sources.credentials import Credentials, SecretReader, get_secret
from chalicelib.sources.query import or_query, terms_of
from chalicelib.sources.reach_lookup import PROCESS_CACHE, ReachCache
from chalicelib.sources.since import advanced, newer, since_of
from chalicelib.sources.values import convert_each

KIND = "reddit"
SITE = "https://www.reddit.com"
RATE_LIMIT = ("X-Ratelimit-Remaining", "X-Ratelimit-Reset")
PAGE_SIZE = 100
_tokens: dict[tuple[str, str], tuple[str, float]] = {}  # (auth url, client id) -> (token, expiry)


class RedditConnector:
    """Target: an optional subreddit (`rust` or `r/rust`); without one, all of Reddit."""

    kind = KIND

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        secrets: SecretReader = get_secret,
        clock: Callable[[], float] = time.monotonic,
        reach: ReachCache | None = None,
    ) -> None:
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._http.rate_limit = self._http.rate_limit or RATE_LIMIT
        self._api = settings.reddit_url.rstrip("/")
        self._auth_url = settings.reddit_auth_url
        self._public = settings.reddit_public_url.rstrip("/")
        self._credentials = Credentials(KIND, settings, secrets)
        self._max_pages = max(1, settings.poll_max_pages)
        self._clock = clock
        self._reach = reach or PROCESS_CACHE

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        query = or_query(terms_of(KIND, watch))
        sub = source.target.strip().strip("/").removeprefix("r/")
        client_id = self._credentials.optional("client-id")
        secret = self._credentials.optional("client-secret")
        token = ""
        if client_id and secret:
            try:
                token = self._token(client_id, secret)
                found = self._oauth(query, sub, token, cursor)
            except SourceError as error:
                if error.reason == "credentials":  # a revoked token: fetch a new one next time
                    _tokens.pop((self._auth_url, client_id), None)
                raise
        else:
            logger.warning("reddit has no credentials: using the public search feed", source=KIND)
            path = f"/r/{sub}/search.rss" if sub else "/search.rss"
            feed_params = {"q": query, "sort": "new", "type": "link"}
            if sub:
                feed_params["restrict_sr"] = "on"
            found = parse(self._http.get(self._public + path, params=feed_params).body)
        mentions = newer(found, cursor)
        if token:  # karma through the API; the public feed's throttle leaves no room for it
            mentions = self._reach.with_reach(KIND, mentions, lambda h: self._karma(h, token))
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        return FetchResult(mentions=tuple(mentions), cursor=advanced(cursor, mentions))

    def _karma(self, handle: str, token: str) -> int | None:
        """An author's reach: link plus comment karma, from `/user/{name}/about`."""
        name = handle.removeprefix("u/")
        body = self._http.get_json(
            f"{self._api}/user/{name}/about",
            params={"raw_json": 1},
            headers={"Authorization": f"bearer {token}"},
            authenticated=True,
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return None
        karma = [
            k for k in (data.get("link_karma"), data.get("comment_karma")) if isinstance(k, int)
        ]
        return sum(karma) if karma else None

    def _oauth(self, query: str, sub: str, token: str, cursor: Mapping[str, Any]) -> list[Mention]:
        """Posts by search and, in a subreddit, its new comments, through oauth.reddit.com."""
        auth = {"Authorization": f"bearer {token}"}
        params: dict[str, str | int] = {
            "q": query,
            "sort": "new",
            "t": "all",
            "type": "link",
            "restrict_sr": "true" if sub else "false",
            "limit": PAGE_SIZE,
            "raw_json": 1,
        }
        found = self._listing(f"{self._api}/r/{sub or 'all'}/search", params, auth, cursor)
        if sub:
            comments = {"limit": PAGE_SIZE, "raw_json": 1}
            found += self._listing(f"{self._api}/r/{sub}/comments", comments, auth, cursor)
        return found

    def _listing(
        self,
        url: str,
        params: Mapping[str, str | int],
        headers: Mapping[str, str],
        cursor: Mapping[str, Any],
    ) -> list[Mention]:
        """Pages newest first until one reaches the cursor; a new watch reads one page."""
        since = since_of(cursor)
        found: list[Mention] = []
        after = ""
        for _ in range(self._max_pages if since else 1):
            page = {**params, "after": after} if after else params
            response = self._http.get(url, params=page, headers=headers, authenticated=True)
            mentions = parse(response.body)
            found += mentions
            after = _after(response.body)
            if not after or since is None or any(m.published_at <= since for m in mentions):
                break
        return found

    def _token(self, client_id: str, secret: str) -> str:
        key = (self._auth_url, client_id)
        cached = _tokens.get(key)
        if cached and cached[1] > self._clock():
            return cached[0]
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        _, body = self._http.post_json(
            self._auth_url,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
            authenticated=True,
        )
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            error = body.get("error") if isinstance(body, dict) else None
            raise credentials_rejected(KIND, f"no access token: {error or 'unexpected answer'}")
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        _tokens[key] = (token, self._clock() + max(0.0, lifetime - 60))
        return token


def parse(body: bytes) -> list[Mention]:
    """A Reddit listing (JSON, posts and comments) or a search feed (Atom) as mentions."""
    if body.lstrip()[:1] == b"<":
        return _parse_feed(body)
    try:
        data = json.loads(body)
        children = data["data"]["children"]
    except (ValueError, KeyError, TypeError):
        raise SourceError(KIND, "response is not a Reddit listing", transient=False) from None
    if not isinstance(children, list):
        raise SourceError(KIND, "response is not a Reddit listing", transient=False)
    return convert_each(KIND, children, _thing)


def _after(body: bytes) -> str:
    try:
        after = json.loads(body)["data"].get("after")
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""
    return after if isinstance(after, str) else ""


def _thing(child: Any) -> Mention | None:
    if not isinstance(child, dict) or child.get("kind") not in ("t1", "t3"):
        return None
    data = child.get("data")
    if not isinstance(data, dict) or not data.get("name") or data.get("created_utc") is None:
        return None
    comment = child["kind"] == "t1"
    author = str(data.get("author") or "")
    permalink = str(data.get("permalink") or "")
    if not permalink and comment:
        link = str(data.get("link_id") or "").removeprefix("t3_")
        permalink = f"/r/{data.get('subreddit')}/comments/{link}/_/{data.get('id')}/"
    engagement = {
        name: value
        for name, field in (("score", "score"), ("comments", "num_comments"))
        if isinstance(value := data.get(field), int) and not isinstance(value, bool)
    }
    return Mention(
        source=KIND,
        native_id=str(data["name"]),
        url=SITE + permalink if permalink.startswith("/") else permalink or SITE,
        title="" if comment else plain_text(str(data.get("title") or "")),
        text=plain_text(str(data.get("body" if comment else "selftext") or "")),
        published_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
        author=_author(author),
        language=None,
        engagement=engagement,
    )


def _author(name: str) -> Author:
    name = name.removeprefix("/u/")
    if not name or name == "[deleted]":
        return Author()
    return Author(name=name, handle=f"u/{name}", url=f"{SITE}/user/{name}")


def _parse_feed(body: bytes) -> list[Mention]:
    try:
        parsed = feedparser.parse(body)
    except Exception:  # feedparser itself raises on some corrupt bytes (found by fuzzing)
        raise SourceError(KIND, "response is not a Reddit search feed", transient=False) from None
    if parsed.get("bozo") and not parsed.get("entries"):
        raise SourceError(KIND, "response is not a Reddit search feed", transient=False)
    return convert_each(KIND, parsed["entries"], _feed_entry)


def _feed_entry(entry: Any) -> Mention | None:
    native_id = str(entry.get("id") or "")
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if not native_id.startswith(("t1_", "t3_")) or when is None:
        return None  # t5 entries are subreddits, not posts
    content = entry.get("content") or [{}]
    return Mention(
        source=KIND,
        native_id=native_id,
        url=str(entry.get("link") or SITE),
        title=plain_text(str(entry.get("title") or "")),
        text=plain_text(str(content[0].get("value") or entry.get("summary") or "")),
        published_at=datetime.fromtimestamp(calendar.timegm(when), UTC),
        author=_author(str(entry.get("author") or "")),
        language=None,
    )
