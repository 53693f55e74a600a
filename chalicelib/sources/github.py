"""GitHub: issues and pull requests through REST search, discussions through GraphQL search.

A token (SSM `<prefix>/sources/github/token`, a fine-grained token with public read access) is
optional for issues (unauthenticated search allows 10 requests a minute instead of 30) and
required for discussions, which only GraphQL can search; without one discussions are skipped
and the log says so. Searches are newest first with `created:>=<cursor>`, paged up to the page
bound (GitHub serves at most 1,000 results per search). The primary limit is read from
`X-RateLimit-Remaining`/`X-RateLimit-Reset`; secondary limits answer 403 or 429 with
`Retry-After`: both are retried on a later poll with the cursor unmoved.

Cursor: ``{"issues": <since cursor>, "discussions": <since cursor>}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Author, FetchResult, Mention, SourceRef, Watch
from chalicelib.domain.text import plain_text
from chalicelib.errors import SourceError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.sources.base import HttpClient
from chalicelib.sources.credentials import Credentials, SecretReader, get_secret
from chalicelib.sources.query import or_query, terms_of
from chalicelib.sources.reach_lookup import PROCESS_CACHE, ReachCache
from chalicelib.sources.since import advanced, newer, since_of
from chalicelib.sources.values import convert_each

KIND = "github"
RATE_LIMIT = ("X-RateLimit-Remaining", "X-RateLimit-Reset")
PAGE_SIZE = 100
DISCUSSIONS_PAGE = 50
MAX_RESULTS = 1000
DISCUSSIONS_QUERY = """
query($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: DISCUSSION, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on Discussion {
        id url title bodyText createdAt upvoteCount
        author { login url }
        comments { totalCount }
        reactions { totalCount }
      }
    }
  }
}
"""


class GitHubConnector:
    """Target: optional scope, `owner/repo` or `owner`; without one, all of public GitHub."""

    kind = KIND

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        secrets: SecretReader = get_secret,
        reach: ReachCache | None = None,
    ) -> None:
        self._http = http or HttpClient.from_settings(KIND, settings)
        self._users_url = settings.github_url.rstrip("/") + "/users/"
        self._reach = reach or PROCESS_CACHE
        self._http.rate_limit = self._http.rate_limit or RATE_LIMIT
        self._search_url = settings.github_url.rstrip("/") + "/search/issues"
        self._graphql_url = settings.github_graphql_url
        self._credentials = Credentials(KIND, settings, secrets)
        self._max_pages = max(1, min(settings.poll_max_pages, MAX_RESULTS // PAGE_SIZE))

    def fetch(self, watch: Watch, source: SourceRef, cursor: Mapping[str, Any]) -> FetchResult:
        terms = terms_of(KIND, watch)
        words = or_query(terms)
        query = f"({words})" if len(terms) > 1 else words
        scope = source.target.strip().strip("/")
        if scope:
            query += f" repo:{scope}" if "/" in scope else f" user:{scope}"
        token = self._credentials.optional("token")
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        issues_cursor = _part(cursor, "issues")
        issues = newer(self._issues(query, issues_cursor, headers, bool(token)), issues_cursor)
        positions: dict[str, Any] = {**cursor, "issues": advanced(issues_cursor, issues)}
        discussions: list[Mention] = []
        if token:
            discussions_cursor = _part(cursor, "discussions")
            discussions = newer(
                self._discussions(query, discussions_cursor, headers), discussions_cursor
            )
            positions["discussions"] = advanced(discussions_cursor, discussions)
        else:
            logger.info("github discussions skipped: they need a token", source=KIND)
        mentions = sorted(
            [*issues, *discussions], key=lambda m: (m.published_at, m.native_id), reverse=True
        )
        if token:  # followers cost one core-API request an author: not on the 60/hour of no token
            mentions = self._reach.with_reach(KIND, mentions, lambda h: self._followers(h, headers))
        logger.info("mentions fetched", source=KIND, watch_id=watch.id, count=len(mentions))
        return FetchResult(mentions=tuple(mentions), cursor=positions)

    def _followers(self, login: str, headers: Mapping[str, str]) -> int | None:
        """An author's reach: followers, from `/users/{login}`."""
        url = self._users_url + login
        return _followers_of(self._http.get_json(url, headers=headers, authenticated=True))

    def _issues(
        self, query: str, cursor: Mapping[str, Any], headers: Mapping[str, str], token: bool
    ) -> list[Mention]:
        since = since_of(cursor)
        q = f"{query} in:title,body" + (f" created:>={_iso(since)}" if since else "")
        params: dict[str, str | int] = {"q": q, "sort": "created", "order": "desc"}
        found: list[Mention] = []
        for page in range(1, (self._max_pages if since else 1) + 1):
            response = self._http.get(
                self._search_url,
                params={**params, "per_page": PAGE_SIZE, "page": page},
                headers=headers,
                authenticated=token,
            )
            data = _json(response.body)
            if data.get("incomplete_results"):
                logger.warning("github search timed out: results incomplete", source=KIND)
            items = parse(response.body)
            found += items
            if len(data.get("items") or ()) < PAGE_SIZE:
                break
        return found

    def _discussions(
        self, query: str, cursor: Mapping[str, Any], headers: Mapping[str, str]
    ) -> list[Mention]:
        since = since_of(cursor)
        q = query + (f" created:>={_iso(since)}" if since else "")
        variables: dict[str, Any] = {"q": q, "first": DISCUSSIONS_PAGE, "after": None}
        found: list[Mention] = []
        for _ in range(self._max_pages if since else 1):
            _, body = self._http.post_json(
                self._graphql_url,
                json_body={"query": DISCUSSIONS_QUERY, "variables": variables},
                headers=headers,
                authenticated=True,
            )
            found += _discussion_mentions(body)
            info = body["data"]["search"].get("pageInfo")  # the shape _discussion_mentions checked
            if (
                not isinstance(info, dict)
                or not info.get("hasNextPage")
                or not info.get("endCursor")
            ):
                break
            variables["after"] = info["endCursor"]
        return found


def parse(body: bytes) -> list[Mention]:
    """A REST search answer (`items`) or a GraphQL discussions search (`data`) as mentions."""
    data = _json(body)
    if "data" in data or "errors" in data:
        return _discussion_mentions(data)
    if not isinstance(data.get("items"), list):
        raise SourceError(KIND, "response has no items list", transient=False)
    return convert_each(KIND, data["items"], _issue)


def _issue(item: Any) -> Mention | None:
    if not isinstance(item, dict) or not item.get("html_url") or not item.get("created_at"):
        return None
    user = item.get("user") or {}
    reactions = (item.get("reactions") or {}).get("total_count")
    engagement = {"comments": item["comments"]} if isinstance(item.get("comments"), int) else {}
    if isinstance(reactions, int):
        engagement["reactions"] = reactions
    return Mention(
        source=KIND,
        native_id=str(item.get("node_id") or item.get("id")),
        url=str(item["html_url"]),
        title=plain_text(str(item.get("title") or "")),
        text=plain_text(str(item.get("body") or "")),
        published_at=_time(str(item["created_at"])),
        author=_author(user.get("login"), user.get("html_url")),
        language=None,
        engagement=engagement,
    )


def _discussion_mentions(data: Mapping[str, Any]) -> list[Mention]:
    if not isinstance(data, Mapping):
        raise SourceError(KIND, "response is not a JSON object", transient=False)
    errors = data.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) else errors
        first = first.get("message") if isinstance(first, dict) else first
        raise SourceError(KIND, f"discussions search failed: {str(first)[:200]}", transient=False)
    found = data.get("data")
    search = found.get("search") if isinstance(found, dict) else None
    nodes = search.get("nodes") if isinstance(search, dict) else None
    if not isinstance(nodes, list):
        raise SourceError(KIND, "response has no search nodes", transient=False)
    return convert_each(KIND, nodes, _discussion)


def _discussion(node: Any) -> Mention | None:
    if not isinstance(node, dict) or not node.get("url") or not node.get("createdAt"):
        return None
    author = node.get("author") or {}
    engagement = {
        name: value
        for name, value in (
            ("comments", (node.get("comments") or {}).get("totalCount")),
            ("reactions", (node.get("reactions") or {}).get("totalCount")),
            ("upvotes", node.get("upvoteCount")),
        )
        if isinstance(value, int) and not isinstance(value, bool)
    }
    return Mention(
        source=KIND,
        native_id=str(node.get("id") or node["url"]),
        url=str(node["url"]),
        title=plain_text(str(node.get("title") or "")),
        text=plain_text(str(node.get("bodyText") or "")),
        published_at=_time(str(node["createdAt"])),
        author=_author(author.get("login"), author.get("url")),
        language=None,
        engagement=engagement,
    )


def _author(login: Any, url: Any) -> Author:
    if not login:
        return Author()
    return Author(name=str(login), handle=str(login), url=str(url or f"https://github.com/{login}"))


def _followers_of(body: Any) -> int | None:
    count = body.get("followers") if isinstance(body, dict) else None
    return count if isinstance(count, int) else None


def _part(cursor: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = cursor.get(name)
    return value if isinstance(value, Mapping) else {}


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(KIND, "response is not JSON", transient=False) from None
    if not isinstance(data, dict):
        raise SourceError(KIND, "response is not a search result", transient=False)
    return data


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
