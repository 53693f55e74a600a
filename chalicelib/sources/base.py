"""The one HTTP client every connector uses, so timeouts, retries and error messages agree.

Every request has a timeout. 429, 5xx, timeouts and connection failures are retried with
exponential backoff, honouring `Retry-After`, but a retry never sleeps past the request's time
budget: a slow source fails the poll (transient, so the job is retried later) rather than eating
the Lambda's whole timeout. Errors are `SourceError`s with one line a person can act on.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.client import RemoteDisconnected
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.exceptions import InvalidSchema, InvalidURL, MissingSchema

from chalicelib.errors import SourceError
from chalicelib.observability import count_for_source, logger
from chalicelib.settings import Settings

USER_AGENT = "Tidings/0.1 (+https://github.com/tidings)"
DEFAULT_BUDGET_S = 20.0
MAX_BODY_BYTES = 10 * 1024 * 1024

Params = Mapping[str, str | int | Sequence[str]]  # a sequence repeats the parameter


@dataclass(frozen=True)
class HttpResponse:
    """A fully read 2xx or 304 response. `headers` is case-insensitive."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


class HttpClient:
    """GETs for one source; `sleep`, `clock` and `now` are injectable so tests never wait."""

    def __init__(
        self,
        source: str,
        *,
        timeout_s: float,
        budget_s: float = DEFAULT_BUDGET_S,
        max_attempts: int = 4,
        backoff_s: float = 1.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        session: requests.Session | None = None,
        rate_limit: tuple[str, str] | None = None,
    ) -> None:
        self.source = source
        self.timeout_s = timeout_s
        self.budget_s = budget_s
        self.max_attempts = max(1, max_attempts)
        self.backoff_s = backoff_s
        self.max_body_bytes = max_body_bytes
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        # (remaining header, reset header) of the platform's rate limit, if it sends them
        self.rate_limit = rate_limit
        self._blocked_until = float("-inf")

    @classmethod
    def from_settings(cls, source: str, settings: Settings, **options: Any) -> HttpClient:
        return cls(source, timeout_s=settings.http_timeout_s, **options)

    def get(
        self,
        url: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = False,
        ok_statuses: Collection[int] = (),
    ) -> HttpResponse:
        """GET with retries; returns a 2xx or 304, raises `SourceError` for anything else."""
        return self.request(
            "GET",
            url,
            params=params,
            headers=headers,
            authenticated=authenticated,
            ok_statuses=ok_statuses,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        authenticated: bool = False,
        ok_statuses: Collection[int] = (),
    ) -> HttpResponse:
        """One call with retries. A status in `ok_statuses` is returned for the caller to read
        (an API that explains errors in its body); with `authenticated`, 401 and 403 mean the
        credentials were rejected. A rate limit reported used up by the headers holds back the
        next call until its reset, so a connector never spends a request it knows will fail."""
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        self._check_blocked(host)
        deadline = self._clock() + self.budget_s
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            retry_after: float | None = None
            limited = False
            try:
                response = self._send(method, url, params, headers, data=data, json_body=json_body)
            except (InvalidURL, InvalidSchema, MissingSchema):
                shown = urlunsplit(parts._replace(query="", fragment=""))
                raise SourceError(
                    self.source, f"not an http(s) URL: {shown}", transient=False
                ) from None
            except requests.Timeout:
                failure = f"{host} did not answer within {self.timeout_s:g}s"
            except requests.RequestException as exc:
                failure = f"cannot reach {host} ({connection_reason(exc)})"
            else:
                status = response.status
                reset = self._rate_limit_reset(response.headers)
                if status < 400 or status in ok_statuses:
                    if reset is not None:
                        self._blocked_until = self._clock() + reset
                    return response
                failure = f"{host} answered {_status_line(status)}"
                retry_after, limited = self._limit(response, reset)
            logger.warning(
                "source request failed",
                source=self.source,
                host=host,
                status=status,
                attempt=attempt,
                error=failure,
            )
            if status is not None and not limited and status < 500:  # retrying will not help
                if authenticated and status in (401, 403):
                    raise credentials_rejected(self.source, failure)
                raise SourceError(
                    self.source, f"{failure} for {parts.path or '/'}", transient=False
                )
            if limited:
                count_for_source("SourceTransientSourceError", self.source)
            delay = retry_after if retry_after is not None else self.backoff_s * 2 ** (attempt - 1)
            if attempt >= self.max_attempts or self._clock() + delay > deadline:
                if retry_after is not None:
                    failure = f"{failure}; asked to retry after {retry_after:g}s"
                raise TransientSourceError(self.source, failure, retry_after=retry_after)
            self._sleep(delay)

    def post_json(
        self,
        url: str,
        *,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = False,
        ok_statuses: Collection[int] = (),
    ) -> tuple[int, Any]:
        """POST and decode the JSON answer; returns (status, body)."""
        response = self.request(
            "POST",
            url,
            json_body=json_body,
            data=data,
            headers={"Accept": "application/json", **(headers or {})},
            authenticated=authenticated,
            ok_statuses=ok_statuses,
        )
        return response.status, self.decode(response.body)

    def decode(self, body: bytes) -> Any:
        """JSON from a body; a body that is not JSON is a permanent error, not a crash."""
        try:
            return json.loads(body)
        except ValueError:
            raise SourceError(self.source, "response is not JSON", transient=False) from None

    def _limit(self, response: HttpResponse, reset: float | None) -> tuple[float | None, bool]:
        """The wait a failed response asks for, and whether it is a rate limit. GitHub's
        secondary limits answer 403 with Retry-After or no requests left, not 429."""
        retry_after = retry_after_seconds(response.headers.get("Retry-After"), self._now())
        limited = response.status == 429 or (
            response.status == 403 and (retry_after is not None or reset is not None)
        )
        return (retry_after if retry_after is not None else reset), limited

    def _check_blocked(self, host: str) -> None:
        wait = self._blocked_until - self._clock()
        if wait > 0:
            raise TransientSourceError(
                self.source,
                f"{host} rate limit used up; it resets in {wait:.0f}s",
                retry_after=wait,
            )

    def _rate_limit_reset(self, headers: Mapping[str, str]) -> float | None:
        """Seconds until the platform's rate limit resets, when its headers say none is left."""
        if self.rate_limit is None:
            return None
        remaining_name, reset_name = self.rate_limit
        try:
            remaining = float(headers.get(remaining_name) or "nan")
        except ValueError:
            return None
        if not remaining <= 0:  # also false for NaN: no header, no limit known
            return None
        return reset_seconds(headers.get(reset_name), self._now())

    def get_json(
        self,
        url: str,
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        authenticated: bool = False,
        ok_statuses: Collection[int] = (),
    ) -> Any:
        """GET and decode JSON; a body that is not JSON is a permanent error, not a crash."""
        response = self.get(
            url,
            params=params,
            headers={"Accept": "application/json", **(headers or {})},
            authenticated=authenticated,
            ok_statuses=ok_statuses,
        )
        return self.decode(response.body)

    def _send(
        self,
        method: str,
        url: str,
        params: Params | None,
        headers: Mapping[str, str] | None,
        *,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
    ) -> HttpResponse:
        """One attempt, body read in full (bounded) so a stalled body counts as a failure too."""
        count_for_source("SourceRequests", self.source)
        with self._session.request(
            method,
            url,
            params=dict(params or {}),
            data=dict(data) if data is not None else None,
            json=json_body,
            headers=dict(headers or {}),
            timeout=self.timeout_s,
            stream=True,
        ) as response:
            body = bytearray()
            for chunk in response.iter_content(chunk_size=65536):
                body += chunk
                if len(body) > self.max_body_bytes:
                    raise SourceError(
                        self.source,
                        f"response larger than {self.max_body_bytes} bytes",
                        transient=False,
                    )
            return HttpResponse(response.status_code, response.headers, bytes(body), response.url)


class TransientSourceError(SourceError):
    """A transient failure with the wait the platform asked for, when it said one."""

    def __init__(self, source: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(source, message, transient=True)
        self.retry_after = retry_after


def credentials_rejected(source: str, failure: str) -> SourceError:
    """Reported on health, logged and counted; permanent, so it is not retried until fixed."""
    logger.error("source credentials rejected", source=source, error=failure)
    count_for_source("SourceCredentialsRejected", source)
    return SourceError(
        source, f"credentials rejected ({failure})", transient=False, reason="credentials"
    )


def reset_seconds(value: str | None, now: datetime) -> float | None:
    """A rate-limit reset as seconds from now: platforms send seconds to wait (Reddit), an
    epoch time (GitHub) or an ISO time (Mastodon)."""
    if not value or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    if number > 1_000_000_000:  # an epoch time, not a number of seconds
        return max(0.0, number - now.timestamp())
    return max(0.0, number)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds to wait: it is either a number of seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host not found"),
    (ConnectionResetError, "connection reset"),
    (RemoteDisconnected, "connection closed by the server"),
    (ssl.SSLError, "TLS handshake failed"),
    (TimeoutError, "timed out"),
)


def connection_reason(exc: BaseException) -> str:
    """The root cause of a `requests` failure in a few words, found in its wrapped causes."""
    pending: list[BaseException] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        for kind, reason in _REASONS:
            if isinstance(current, kind):
                return reason
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None))
        pending.extend(e for e in (*linked, *current.args) if isinstance(e, BaseException))
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "response cut short"
    return "connection failed"


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
