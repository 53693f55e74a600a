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
from collections.abc import Callable, Mapping
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

Params = Mapping[str, str | int]


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

    @classmethod
    def from_settings(cls, source: str, settings: Settings, **options: Any) -> HttpClient:
        return cls(source, timeout_s=settings.http_timeout_s, **options)

    def get(
        self, url: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """GET with retries; returns a 2xx or 304, raises `SourceError` for anything else."""
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        deadline = self._clock() + self.budget_s
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            retry_after: float | None = None
            try:
                response = self._send(url, params, headers)
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
                if status < 400:
                    return response
                failure = f"{host} answered {_status_line(status)}"
                retry_after = retry_after_seconds(response.headers.get("Retry-After"), self._now())
            logger.warning(
                "source request failed",
                source=self.source,
                host=host,
                status=status,
                attempt=attempt,
                error=failure,
            )
            if status is not None and status != 429 and status < 500:  # retrying will not help
                raise SourceError(
                    self.source, f"{failure} for {parts.path or '/'}", transient=False
                )
            delay = retry_after if retry_after is not None else self.backoff_s * 2 ** (attempt - 1)
            if attempt >= self.max_attempts:
                raise SourceError(self.source, failure, transient=True)
            if self._clock() + delay > deadline:
                if retry_after is not None:
                    failure = f"{failure}; asked to retry after {retry_after:g}s"
                raise SourceError(self.source, failure, transient=True)
            self._sleep(delay)

    def get_json(
        self, url: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        """GET and decode JSON; a body that is not JSON is a permanent error, not a crash."""
        response = self.get(
            url, params=params, headers={"Accept": "application/json", **(headers or {})}
        )
        try:
            return json.loads(response.body)
        except ValueError:
            raise SourceError(self.source, "response is not JSON", transient=False) from None

    def _send(
        self, url: str, params: Params | None, headers: Mapping[str, str] | None
    ) -> HttpResponse:
        """One attempt, body read in full (bounded) so a stalled body counts as a failure too."""
        count_for_source("SourceRequests", self.source)
        with self._session.get(
            url,
            params=dict(params or {}),
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
