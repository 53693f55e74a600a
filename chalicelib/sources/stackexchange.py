"""Stack Exchange: `/search/advanced` on the site a watch names (e.g. `stackoverflow`).

Reading needs no OAuth; an app key (SSM `<prefix>/sources/stackexchange/key`, free from
stackapps.com) raises the daily quota from 300 to 10,000 requests. Each term of the query is
one search, newest first from the cursor, paged up to the page bound.

The API asks clients to obey a `backoff` field (seconds before calling the method again) and
counts a daily `quota_remaining`. When either stops a poll before it is complete, what was
fetched is returned but the cursor does not move (the rest is fetched next time, duplicates are
dropped by the store), and the next polls wait until the backoff or the quota is over.

Cursor: `chalicelib.sources.since`, plus ``"paused_until": <epoch>`` while backing off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import count_for_source, logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient, TransientSourceError, credentials_rejected
from chalicelib.sources.credentials import Credentials, SecretReader, get_secret
from chalicelib.sources.query import terms_of
from chalicelib.sources.since import advanced, newer, since_of
from chalicelib.sources.values import convert_each, listed

KIND = "stackexchange"
PAGE_SIZE = 100
_SECONDS = re.compile(r"(\d+) seconds")


class _Stop(Exception):  # noqa: N818 - control flow, never leaves this module
    """The API asked us to stop for `wait` seconds."""

    def __init__(self, wait: float) -> None:
        self.wait = wait


class StackExchangeConnector:
    """Target: the site's API name, `stackoverflow`, `superuser`, `serverfault`, …"""

    kind = KIND
    target_hint = "the site's API name, e.g. stackoverflow or superuser"

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        secrets: SecretReader = get_secret,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._url = settings.stackexchange_url.rstrip("/") + "/search/advanced"
        self._credentials = Credentials(KIND, settings, secrets)
        self._max_pages = max(1, settings.poll_max_pages)
        self._now = now
        self._last_wait: float | None = None

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        site = source.target.strip() or "stackoverflow"
        terms = terms_of(KIND, watch)
        paused_until = cursor.get("paused_until")
        now = self._now().timestamp()
        if isinstance(paused_until, int | float) and now < paused_until:
            logger.info("stackexchange backing off", source=KIND, seconds=paused_until - now)
            return FetchResult(mentions=(), cursor=dict(cursor))
        key = self._credentials.optional("key")
        since = since_of(cursor)
        found: list[Mention] = []
        stopped: float | None = None
        try:
            for index, term in enumerate(terms):
                self._search(site, term, since, key, found, last=index == len(terms) - 1)
        except _Stop as stop:
            stopped = stop.wait
        mentions = newer(found, cursor)
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        if stopped is None:
            moved = {k: v for k, v in advanced(cursor, mentions).items() if k != "paused_until"}
            if self._last_wait:  # the last call asked for a pause: the next poll honours it
                moved["paused_until"] = now + self._last_wait
            return FetchResult(mentions=tuple(mentions), cursor=moved)
        return FetchResult(
            mentions=tuple(mentions), cursor={**cursor, "paused_until": now + stopped}
        )

    def _search(
        self,
        site: str,
        term: str,
        since: datetime | None,
        key: str | None,
        found: list[Mention],
        *,
        last: bool,
    ) -> None:
        """Add the term's questions to `found`, stopping early when the API asks for a pause."""
        params: dict[str, str | int] = {
            "site": site,
            "q": term,
            "sort": "creation",
            "order": "desc",
            "pagesize": PAGE_SIZE,
            "filter": "withbody",
        }
        if since:
            params["fromdate"] = int(since.timestamp())
        if key:
            params["key"] = key
        pages = self._max_pages if since else 1
        for page in range(1, pages + 1):
            response = self._http.get(
                self._url, params={**params, "page": page}, ok_statuses=(400,)
            )
            body = _wrapper(response.body)
            if response.status >= 400 or "error_id" in body:
                raise _refused(body, bool(key))
            found += convert_each(KIND, listed(KIND, body.get("items"), "items"), to_mention)
            more = bool(body.get("has_more")) and page < pages
            wait = self._last_wait = self._wait(body)
            if wait is not None and (more or not last):
                raise _Stop(wait)  # more to fetch in this poll, but we were told to stop
            if not more:
                break

    def _wait(self, body: Mapping[str, Any]) -> float | None:
        """Seconds the API told us to wait before the next call: `backoff`, or an empty quota."""
        quota = body.get("quota_remaining")
        if isinstance(quota, int) and quota <= 0:
            logger.warning("stackexchange daily quota used up", source=KIND)
            count_for_source("SourceRateLimited", KIND)
            now = self._now()
            midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
            return (midnight - now).total_seconds()
        backoff = body.get("backoff")
        return float(backoff) if isinstance(backoff, int | float) and backoff > 0 else None


def parse(body: bytes) -> list[Mention]:
    """A Stack Exchange wrapper of questions (`items`) as mentions."""
    data = _wrapper(body)
    if "error_id" in data:
        raise SourceError(KIND, f"error answer: {data.get('error_message')}", transient=False)
    if not isinstance(data.get("items"), list):
        raise SourceError(KIND, "response has no items list", transient=False)
    return convert_each(KIND, data["items"], to_mention)


def to_mention(item: Any) -> Mention | None:
    if not isinstance(item, dict) or not item.get("link") or item.get("creation_date") is None:
        return None
    link = str(item["link"])
    owner = item.get("owner") or {}
    reputation = owner.get("reputation")
    engagement = {
        name: value
        for name, field in (
            ("score", "score"),
            ("answers", "answer_count"),
            ("views", "view_count"),
        )
        if isinstance(value := item.get(field), int) and not isinstance(value, bool)
    }
    native = item.get("question_id") or item.get("answer_id") or link
    return Mention(
        source=KIND,
        native_id=f"{urlsplit(link).hostname}/{native}",  # ids are per site
        url=link,
        title=plain_text(str(item.get("title") or "")),
        text=plain_text(str(item.get("body") or "")),
        published_at=datetime.fromtimestamp(int(item["creation_date"]), UTC),
        author=Author(
            name=plain_text(str(owner.get("display_name") or "")),
            handle=str(owner.get("user_id") or ""),
            url=str(owner.get("link") or ""),
            reach=reputation if isinstance(reputation, int) else None,
        ),
        language=None,
        engagement=engagement,
    )


def _wrapper(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    if not isinstance(data, dict):
        raise SourceError(KIND, "response is not a Stack Exchange wrapper", transient=False)
    return data


def _refused(body: Mapping[str, Any], has_key: bool) -> SourceError:
    name = str(body.get("error_name") or "error")
    message = f"{name}: {body.get('error_message') or 'no message'}"
    if name == "throttle_violation":
        found = _SECONDS.search(str(body.get("error_message") or ""))
        wait = float(found.group(1)) if found else None
        return TransientSourceError(KIND, message, retry_after=wait)
    if has_key and (name in ("access_denied", "access_token_required") or "key" in message):
        return credentials_rejected(KIND, message)
    return SourceError(KIND, message, transient=False)
