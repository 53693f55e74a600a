"""Mastodon: the hashtag timelines of the instance a watch names, and status search there when
an access token is set (SSM `<prefix>/sources/mastodon/<instance>/token`; full-text search needs
a user token and an instance with search enabled).

Each hashtag is a term of the query with its non-word characters removed ("Acme Cloud" is
#AcmeCloud). Timelines page forward with `min_id`, so nothing between two polls is skipped.
Since Mastodon 4.5 an instance may disable or restrict hashtag feeds, and a disabled feed is an
empty list, not an error: an empty timeline is therefore checked against the instance's
configuration and reported as disabled rather than looking quiet.

Cursor: ``{"min_id": {"tag:<name>" | "search:<term>": <newest status id seen>}}``, plus
``"start_id"`` (a backfill's start, `chalicelib.sources.backfill`) for timelines not read yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.credentials import Credentials, SecretReader, get_secret, parameter_name
from chalicelib.sources.query import terms_of
from chalicelib.sources.values import convert_each

KIND = "mastodon"
RATE_LIMIT = ("X-RateLimit-Remaining", "X-RateLimit-Reset")
PAGE_SIZE = 40
_NON_WORD = re.compile(r"\W+")

Status = Mapping[str, Any]


class MastodonConnector:
    """Target: the instance host, e.g. `mastodon.social`."""

    kind = KIND
    target_hint = "the instance's host name, e.g. mastodon.social"

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        secrets: SecretReader = get_secret,
    ) -> None:
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._http.rate_limit = self._http.rate_limit or RATE_LIMIT
        self._settings = settings
        self._scheme = settings.mastodon_scheme
        self._credentials = Credentials(KIND, settings, secrets)
        self._max_pages = max(1, settings.poll_max_pages)

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        host = source.target.strip().removeprefix("https://").removeprefix("http://").strip("/")
        if not host:
            raise SourceError(
                KIND, "the source names no instance (target, e.g. mastodon.social)", transient=False
            )
        base = f"{self._scheme}://{host}"
        terms = terms_of(KIND, watch)
        token = self._credentials.optional(f"{_safe(host)}/token")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        positions = dict(_positions(cursor))
        start = cursor.get("start_id")  # backfill: a timeline not read yet starts here
        if isinstance(start, str) and start:
            for key in [f"tag:{t.casefold()}" for t in hashtags(terms)] + [
                f"search:{t}" for t in terms
            ]:
                positions.setdefault(key, start)
        found: dict[str, Mention] = {}
        empty_tags = 0
        tags = hashtags(terms)
        for tag in tags:
            url = f"{base}/api/v1/timelines/tag/{tag}"
            statuses = self._forward(url, {}, headers, positions, f"tag:{tag.casefold()}")
            empty_tags += not statuses
            found.update((m.native_id, m) for m in convert_each(KIND, statuses, to_mention))
        if tags and empty_tags == len(tags):
            self._check_hashtag_feeds(base, host, bool(token))
        if token:
            for term in terms:
                params = {"q": term, "type": "statuses", "resolve": "false"}
                statuses = self._forward(
                    f"{base}/api/v2/search", params, headers, positions, f"search:{term}"
                )
                found.update((m.native_id, m) for m in convert_each(KIND, statuses, to_mention))
        mentions = sorted(found.values(), key=lambda m: (m.published_at, m.native_id), reverse=True)
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        return FetchResult(mentions=tuple(mentions), cursor={**cursor, "min_id": positions})

    def _forward(
        self,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        positions: dict[str, str],
        key: str,
    ) -> list[Status]:
        """Statuses newer than the position, paging forward; a new watch reads one page."""
        min_id = positions.get(key)
        found: list[Status] = []
        for _ in range(self._max_pages if min_id else 1):
            page: dict[str, str | int] = {**params, "limit": PAGE_SIZE}
            if min_id:
                page["min_id"] = min_id
            statuses = _statuses(
                self._http.get(
                    url, params=page, headers=headers, authenticated="Authorization" in headers
                ).body
            )
            if not statuses:
                break
            found += statuses
            min_id = max((str(s["id"]) for s in statuses), key=_id_order)
            if len(statuses) < PAGE_SIZE:
                break
        if min_id:
            positions[key] = min_id
        return found

    def _check_hashtag_feeds(self, base: str, host: str, has_token: bool) -> None:
        """Turn "disabled" or "authenticated only" hashtag feeds into an error a person sees."""
        try:
            instance = self._http.get_json(f"{base}/api/v2/instance")
        except SourceError as error:
            if error.transient:
                raise
            return  # an instance too old to say: its hashtag feeds are public
        access = (
            instance.get("configuration", {}).get("timelines_access", {}).get("hashtag_feeds", {})
            if isinstance(instance, dict)
            else {}
        )
        modes = {str(access.get("local")), str(access.get("remote"))}
        if modes == {"disabled"}:
            raise SourceError(KIND, f"{host} has disabled its hashtag feeds", transient=False)
        if "authenticated" in modes and not has_token:
            name = parameter_name(self._settings, KIND, f"{_safe(host)}/token")
            raise SourceError(
                KIND,
                f"{host} shows hashtag feeds to signed-in users only: set SSM parameter {name}",
                transient=False,
            )


def hashtags(terms: tuple[str, ...]) -> list[str]:
    """The terms as hashtags, each once whatever its case."""
    tags: dict[str, str] = {}
    for term in terms:
        tag = _NON_WORD.sub("", term)
        if tag:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


def parse(body: bytes) -> list[Mention]:
    """A timeline (a list of statuses) or a search result (`statuses`) as mentions."""
    return convert_each(KIND, _statuses(body), to_mention)


def to_mention(status: Status) -> Mention:
    shown = status.get("reblog") or status  # a boost: the boosted post is the mention
    account = shown.get("account") or {}
    spoiler = plain_text(str(shown.get("spoiler_text") or ""))
    content = plain_text(str(shown.get("content") or ""))
    followers = account.get("followers_count")
    engagement = {
        name: value
        for name, field in (
            ("replies", "replies_count"),
            ("reblogs", "reblogs_count"),
            ("favourites", "favourites_count"),
            ("quotes", "quotes_count"),
        )
        if isinstance(value := shown.get(field), int) and not isinstance(value, bool)
    }
    acct = str(account.get("acct") or "")
    return Mention(
        source=KIND,
        native_id=str(shown.get("uri") or shown["id"]),  # the same post on every instance
        url=str(shown.get("url") or shown.get("uri") or ""),
        title="",
        text="\n".join(part for part in (spoiler, content) if part),
        published_at=_time(str(shown["created_at"])),
        author=Author(
            name=str(account.get("display_name") or account.get("username") or acct),
            handle=f"@{acct}" if acct else "",
            url=str(account.get("url") or ""),
            reach=followers if isinstance(followers, int) else None,
        ),
        language=lang if isinstance(lang := shown.get("language"), str) and lang else None,
        engagement=engagement,
    )


def _statuses(body: bytes) -> list[Status]:
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    if isinstance(data, dict) and "id" in data and "created_at" in data:
        data = [data]  # one Status entity
    statuses = data.get("statuses") if isinstance(data, dict) else data
    if not isinstance(statuses, list):
        raise SourceError(KIND, "response is not a list of statuses", transient=False)
    valid: list[Status] = [
        s for s in statuses if isinstance(s, dict) and s.get("id") and s.get("created_at")
    ]
    if len(valid) < len(statuses):
        logger.warning("statuses skipped", source=KIND, count=len(statuses) - len(valid))
    return valid


def _positions(cursor: Mapping[str, Any]) -> Mapping[str, str]:
    value = cursor.get("min_id")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _id_order(status_id: str) -> tuple[int, str]:
    """Snowflake ids are digit strings: a longer one is a larger one."""
    return len(status_id), status_id


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _safe(host: str) -> str:
    """A host as an SSM name segment (which allows no colon)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", host)
