"""Posting alerts to a Slack incoming webhook."""

from __future__ import annotations

import requests

from chalicelib.domain.models import WatchMention
from chalicelib.errors import PermanentError, TransientError
from chalicelib.notify.render import as_slack


class SlackWebhookSink:
    def __init__(self, url: str, timeout_s: float = 5.0) -> None:
        self._url = url
        self._timeout = timeout_s

    def send(self, item: WatchMention) -> None:
        try:
            response = requests.post(self._url, json=as_slack(item), timeout=self._timeout)
        except requests.RequestException as error:
            raise TransientError(
                f"slack: cannot reach the webhook ({type(error).__name__})"
            ) from error
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = response.headers.get("Retry-After")
            raise TransientError(
                f"slack: {response.status_code}",
                retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
            )
        if response.status_code >= 400:
            raise PermanentError(f"slack: {response.status_code} {response.text[:100]}")
