"""Posting to Slack, through an incoming webhook or the Web API (`chat.postMessage`).

Within the function's time: a 429 waits for its `Retry-After`, a 5xx or a network error backs
off and tries again; what still fails raises TransientError (Lambda retries, then the DLQ).
A target that is gone (404, 410, `channel_not_found`, `no_service`, ...) raises SlackGoneError,
which the notifier reports in /health and never retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from chalicelib.errors import PermanentError, TransientError
from chalicelib.observability import logger

GONE_ERRORS = frozenset(
    {
        "channel_not_found",
        "no_service",
        "no_team",
        "team_disabled",
        "is_archived",
        "channel_is_archived",
        "invalid_token",
        "invalid_auth",
        "token_revoked",
        "account_inactive",
        "not_in_channel",
    }
)
MAX_ATTEMPTS = 6


class SlackGoneError(PermanentError):
    """The webhook or channel no longer exists: retrying cannot help."""


class SlackPoster:
    def __init__(
        self,
        webhook_url: str | None,
        *,
        bot_token: str | None = None,
        api_url: str = "https://slack.com/api",
        timeout_s: float = 5.0,
        budget_s: float = 40.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._webhook = webhook_url
        self._token = bot_token
        self._api = api_url.rstrip("/")
        self._timeout = timeout_s
        self._budget = budget_s
        self._sleep = sleep
        self._clock = clock

    def target(self, channel: str) -> str | None:
        """Where a watch's alerts go: its channel through the Web API when a bot token is set,
        else the incoming webhook; None when Slack is not configured."""
        if self._token and channel:
            return f"api:{channel}"
        return f"webhook:{self._webhook}" if self._webhook else None

    def post(self, message: dict[str, Any], channel: str = "") -> None:
        deadline = self._clock() + self._budget
        for attempt in range(MAX_ATTEMPTS):
            wait = self._attempt(message, channel)
            if wait is None:
                return
            if attempt == MAX_ATTEMPTS - 1 or self._clock() + wait > deadline:
                break
            logger.info("slack retry", attempt=attempt + 1, wait_s=wait)
            self._sleep(wait)
        raise TransientError("slack: still failing after retries")

    def _attempt(self, message: dict[str, Any], channel: str) -> float | None:
        """None when delivered, else the seconds to wait before the next attempt."""
        use_api = bool(self._token and channel)
        try:
            if use_api:
                response = requests.post(
                    f"{self._api}/chat.postMessage",
                    json={**message, "channel": channel},
                    headers={"Authorization": f"Bearer {self._token}"},
                    timeout=self._timeout,
                )
            elif self._webhook:
                response = requests.post(self._webhook, json=message, timeout=self._timeout)
            else:
                raise PermanentError("slack: not configured")
        except requests.RequestException as failure:
            logger.warning("slack unreachable", error=type(failure).__name__)
            return 2.0
        status, body = response.status_code, response.text[:200]
        if status == 429:
            after = response.headers.get("Retry-After", "1")
            return float(after) if after.isdigit() else 1.0
        if status >= 500:
            return 2.0
        error = _error_of(response, use_api)
        if status in (404, 410) or error in GONE_ERRORS:
            raise SlackGoneError(f"slack: {error or status}")
        if error == "ratelimited":
            return 1.0
        if status >= 400 or error:
            raise PermanentError(f"slack: {status} {error or body[:100]}")
        return None


def _error_of(response: requests.Response, use_api: bool) -> str:
    """Slack's error code: the Web API's JSON `error`, the webhook's plain-text body."""
    if use_api:
        try:
            data = response.json()
        except ValueError:
            return "" if response.ok else response.text[:60].strip()
        return "" if data.get("ok") else str(data.get("error", "unknown"))
    text = response.text.strip()
    return "" if response.ok else text[:60]
