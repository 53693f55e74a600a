"""The outgoing webhook: a signed JSON POST of each alert, for any other system.

Signed as the generic inbound webhook is (`chalicelib.webhooks.signing`), so a receiver checks
it the same way:

    X-Tidings-Timestamp: <unix seconds>
    X-Tidings-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>
    X-Tidings-Event: mention | spike

5xx, 429 and network errors are retried a few times with exponential backoff (honouring
`Retry-After`), then raised as TransientError so the queue retries later; any other 4xx is a
PermanentError: the receiver refused the alert, and retrying will not change its mind.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests

from chalicelib.domain.alerts.flood import Batch
from chalicelib.domain.keys import short_hash
from chalicelib.domain.models import Watch, WatchMention
from chalicelib.domain.query import Span
from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.errors import PermanentError, TransientError
from chalicelib.webhooks.signing import sign

MAX_RETRY_AFTER_S = 30.0


class WebhookSink:
    """Same interface as the Slack sink (`send(item)`), plus `send_event` for spike alerts."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout_s: float = 5.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._url = url
        self._secret = secret
        self._timeout = timeout_s
        self._attempts = max(attempts, 1)
        self._backoff = backoff_s
        self._sleep = sleep
        self._clock = clock

    def send(self, item: WatchMention) -> None:
        self.send_event("mention", {"mention": watch_mention_to_dict(item)})

    def send_event(self, event: str, data: Mapping[str, Any]) -> None:
        body = json.dumps({"event": event, **data}, separators=(",", ":"), default=str).encode()
        error: TransientError | None = None
        for attempt in range(self._attempts):
            if error is not None:
                delay = self._backoff * 2 ** (attempt - 1)
                self._sleep(min(max(delay, error.retry_after or 0.0), MAX_RETRY_AFTER_S))
            error = self._post(event, body)
            if error is None:
                return
        assert error is not None
        raise error

    def _post(self, event: str, body: bytes) -> TransientError | None:
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Tidings-Webhook/1",
            "X-Tidings-Event": event,
            "X-Tidings-Timestamp": str(timestamp),
            "X-Tidings-Signature": sign(self._secret, timestamp, body),
        }
        try:
            response = requests.post(self._url, data=body, headers=headers, timeout=self._timeout)
        except requests.RequestException as error:
            return TransientError(f"webhook: cannot reach the receiver ({type(error).__name__})")
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = response.headers.get("Retry-After", "")
            return TransientError(
                f"webhook: {status}",
                retry_after=float(retry_after) if retry_after.isdigit() else None,
            )
        if status >= 400:
            raise PermanentError(f"webhook: {status} {response.text[:100]}")
        return None


class WebhookSender:
    """The `webhook` channel of the alert rules (a `ChannelSender` for part A's delivery): each
    watch posts to its own `alerts.webhook_url`, signed with the secret SSM holds under
    `alerts.webhook_secret_parameter`."""

    def __init__(self, secret: Callable[[str], str | None], **options: Any) -> None:
        self._secret = secret
        self._options = options

    def target(self, watch: Watch) -> str | None:
        alerts = watch.alerts
        if not alerts.webhook_url or not alerts.webhook_secret_parameter:
            return None
        return f"webhook:{short_hash(alerts.webhook_url)}"

    def sink(self, watch: Watch) -> WebhookSink:
        secret = self._secret(watch.alerts.webhook_secret_parameter)
        if not watch.alerts.webhook_url or not secret:
            raise PermanentError("webhook: no URL or no secret set for this watch")
        return WebhookSink(watch.alerts.webhook_url, secret, **self._options)

    def send_alert(self, watch: Watch, item: WatchMention, spans: Sequence[Span] = ()) -> None:
        self.sink(watch).send(item)

    def send_batch(self, watch: Watch, batch: Batch) -> None:
        self.sink(watch).send_event(
            "batch",
            {
                "watch_id": watch.id,
                "summary": batch.summary(watch.name),
                "count": batch.count,
                "since": batch.since.isoformat(),
                "catch_up": batch.catch_up,
                "top": [
                    {"alert_id": h.alert_id, "headline": h.headline, "url": h.url}
                    for h in batch.top
                ],
            },
        )
