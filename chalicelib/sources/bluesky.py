"""Bluesky: `app.bsky.feed.searchPosts`, signed in with an app password.

Credentials: SSM `<prefix>/sources/bluesky/identifier` (handle or DID) and `app-password`.
The entryway allows few logins a day (100, below the documented 300), so the session is
cached in the process and renewed with `refreshSession` when the access token expires; a
login happens only on a cold start or when the refresh token has expired too.

Each term of the query is one search (`sort=latest&since=<cursor>`), paged with the API's
cursor up to the page bound. Follower counts are not in a postView: they come from one
`getProfiles` call per 25 authors, and a poll without them still succeeds.

Cursor: `chalicelib.sources.since`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient, Params, credentials_rejected
from chalicelib.sources.credentials import Credentials, SecretReader, get_secret
from chalicelib.sources.query import quoted, terms_of
from chalicelib.sources.since import advanced, newer, since_of
from chalicelib.sources.values import convert_each, listed

KIND = "bluesky"
PAGE_SIZE = 100
PROFILES_BATCH = 25  # getProfiles takes at most 25 actors
EXPIRED = ("ExpiredToken", "InvalidToken")


@dataclass
class _Session:
    access: str
    refresh: str


_sessions: dict[tuple[str, str], _Session] = {}  # (service URL, identifier) -> session
logins = {"count": 0}  # createSession calls made by this process, for tests and logs


class BlueskyConnector:
    """No target: search covers the whole network."""

    kind = KIND

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        secrets: SecretReader = get_secret,
    ) -> None:
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._xrpc = settings.bluesky_url.rstrip("/") + "/xrpc/"
        self._credentials = Credentials(KIND, settings, secrets)
        self._max_pages = max(1, settings.poll_max_pages)

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        terms = terms_of(KIND, watch)
        identifier, password = self._credentials.required("identifier", "app-password")
        since = since_of(cursor)
        found: list[Mention] = []
        for term in terms:
            params: dict[str, str | int] = {"q": quoted(term), "sort": "latest", "limit": PAGE_SIZE}
            if since:
                params["since"] = since.isoformat().replace("+00:00", "Z")
            for _ in range(self._max_pages if since else 1):
                body = self._call("app.bsky.feed.searchPosts", params, identifier, password)
                if not isinstance(body.get("posts"), list):
                    raise SourceError(KIND, "response has no posts list", transient=False)
                found += _posts_of(body)
                next_page = body.get("cursor")
                if not isinstance(next_page, str) or not next_page:
                    break
                params["cursor"] = next_page
        mentions = self._with_reach(newer(found, cursor), identifier, password)
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        return FetchResult(mentions=tuple(mentions), cursor=advanced(cursor, mentions))

    def _with_reach(self, mentions: list[Mention], identifier: str, password: str) -> list[Mention]:
        """Authors' follower counts, PROFILES_BATCH profiles a request; without them on error."""
        handles = sorted({m.author.handle.removeprefix("@") for m in mentions if m.author.handle})
        followers: dict[str, int] = {}
        try:
            for start in range(0, len(handles), PROFILES_BATCH):
                actors = {"actors": handles[start : start + PROFILES_BATCH]}
                body = self._call("app.bsky.actor.getProfiles", actors, identifier, password)
                for profile in body.get("profiles") or ():
                    count = profile.get("followersCount") if isinstance(profile, dict) else None
                    if isinstance(count, int):
                        followers[str(profile.get("handle"))] = count
        except SourceError as error:  # reach is a nicety: the mentions still count
            logger.warning("bluesky reach unavailable", source=KIND, error=str(error))
        return [
            replace(m, author=replace(m.author, reach=followers[handle]))
            if (handle := m.author.handle.removeprefix("@")) in followers
            else m
            for m in mentions
        ]

    def _call(self, method: str, params: Params, identifier: str, password: str) -> Any:
        """One XRPC query with the cached session, renewed once if it has expired."""
        session = self._session(identifier, password)
        for attempt in range(2):
            response = self._http.get(
                self._xrpc + method,
                params=params,
                headers={"Authorization": f"Bearer {session.access}", "Accept": "application/json"},
                authenticated=True,
                ok_statuses=(400, 401),
            )
            body = self._http.decode(response.body)
            if response.status < 400:
                if not isinstance(body, dict):
                    raise SourceError(KIND, f"{method} answer is not an object", transient=False)
                return body
            error = _error(body)
            if error in EXPIRED and not attempt:
                session = self._renewed(identifier, password, session)
                continue
            if response.status == 401:
                raise credentials_rejected(KIND, f"{method} refused: {error}")
            raise SourceError(KIND, f"{method} refused: {error}", transient=False)
        raise AssertionError("unreachable")  # pragma: no cover

    def _session(self, identifier: str, password: str) -> _Session:
        cached = _sessions.get((self._xrpc, identifier))
        return cached or self._login(identifier, password)

    def _renewed(self, identifier: str, password: str, session: _Session) -> _Session:
        """Refresh the expired access token; log in again only if the refresh token is dead."""
        status, body = self._http.post_json(
            self._xrpc + "com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {session.refresh}"},
            authenticated=True,
            ok_statuses=(400, 401),
        )
        if status < 400 and isinstance(body, dict) and body.get("accessJwt"):
            renewed = _Session(str(body["accessJwt"]), str(body.get("refreshJwt") or ""))
            _sessions[(self._xrpc, identifier)] = renewed
            logger.info("bluesky session refreshed", source=KIND)
            return renewed
        return self._login(identifier, password)

    def _login(self, identifier: str, password: str) -> _Session:
        logins["count"] += 1
        status, body = self._http.post_json(
            self._xrpc + "com.atproto.server.createSession",
            json_body={"identifier": identifier, "password": password},
            authenticated=True,
            ok_statuses=(400, 401),
        )
        if status >= 400 or not isinstance(body, dict) or not body.get("accessJwt"):
            raise credentials_rejected(KIND, f"login refused: {_error(body)}")
        session = _Session(str(body["accessJwt"]), str(body.get("refreshJwt") or ""))
        _sessions[(self._xrpc, identifier)] = session
        logger.info("bluesky session created", source=KIND)
        return session


def parse(body: bytes) -> list[Mention]:
    """A searchPosts answer (`posts`) or a thread (`thread`) as mentions."""
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    if not isinstance(data, dict) or not ("posts" in data or "thread" in data):
        raise SourceError(KIND, "response has no posts or thread", transient=False)
    return _posts_of(data)


def _posts_of(data: Mapping[str, Any]) -> list[Mention]:
    views: list[Any] = list(listed(KIND, data.get("posts"), "posts"))
    pending = [data.get("thread")]
    while pending:  # a thread: the post, its parents and its replies
        node = pending.pop()
        if isinstance(node, dict):
            views.append(node.get("post"))
            replies = node.get("replies")
            pending += [node.get("parent"), *(replies if isinstance(replies, list) else [])]
    return convert_each(KIND, views, to_mention)


def to_mention(view: Any) -> Mention | None:
    if not isinstance(view, dict):
        return None
    record = view.get("record") or {}
    author = view.get("author") or {}
    uri = str(view.get("uri") or "")
    when = record.get("createdAt") or view.get("indexedAt")
    if not uri.startswith("at://") or not isinstance(when, str):
        return None
    handle = str(author.get("handle") or author.get("did") or "")
    langs = record.get("langs") or []
    engagement = {
        name: value
        for name, field in (
            ("replies", "replyCount"),
            ("reposts", "repostCount"),
            ("likes", "likeCount"),
            ("quotes", "quoteCount"),
        )
        if isinstance(value := view.get(field), int) and not isinstance(value, bool)
    }
    return Mention(
        source=KIND,
        native_id=uri,
        url=f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}",
        title="",
        text=plain_text(str(record.get("text") or "")),
        published_at=_time(when),
        author=Author(
            name=str(author.get("displayName") or handle),
            handle=f"@{handle}" if handle else "",
            url=f"https://bsky.app/profile/{handle}" if handle else "",
        ),
        language=str(langs[0]) if langs else None,
        engagement=engagement,
    )


def _error(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("error") or body.get("message") or "unknown error")
    return "unknown error"


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def reset_sessions() -> None:
    """Forget cached sessions (tests)."""
    _sessions.clear()
    logins["count"] = 0
