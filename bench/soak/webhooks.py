"""Signed generic-webhook deliveries over real HTTP, several at a time, some copies at once.

A sender retries what was not answered 202, as Zapier or n8n would; every 202 is a delivery.
"""

from __future__ import annotations

import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench.soak.mentions import SoakMention
from chalicelib.webhooks.signing import sign

ATTEMPTS = 8


@dataclass
class WebhookTally:
    accepted: int = 0
    retried: int = 0
    failed: int = 0  # gave up after every attempt
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, accepted: int = 0, retried: int = 0, failed: int = 0) -> None:
        with self._lock:
            self.accepted += accepted
            self.retried += retried
            self.failed += failed


class WebhookSender:
    def __init__(self, url: str, secret: str, *, threads: int = 8, seed: int = 0) -> None:
        self.url = url
        self.tally = WebhookTally()
        self._secret = secret
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="webhook")
        self._random = random.Random(seed)
        self._stopped = threading.Event()

    def send(self, mentions: Sequence[SoakMention]) -> None:
        """Every copy of these mentions, shuffled; returns when all were answered."""
        tasks: list[tuple[SoakMention, int]] = []
        for m in mentions:
            if m.together:
                tasks.append((m, m.webhook_copies))
            else:
                tasks += [(m, 1)] * m.webhook_copies
        self._random.shuffle(tasks)
        for future in [self._pool.submit(self._copies, m, n) for m, n in tasks]:
            future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def abandon(self) -> None:
        """A stopped soak: drop the copies not sent yet and stop retrying the rest, so the
        process can exit (its pool's threads are waited for at exit)."""
        self._stopped.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _copies(self, mention: SoakMention, copies: int) -> None:
        if copies == 1:
            self._post(mention)
            return
        start = threading.Barrier(copies)
        threads = [
            threading.Thread(target=self._post, args=(mention, start)) for _ in range(copies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _post(self, mention: SoakMention, start: threading.Barrier | None = None) -> None:
        body = mention.webhook_body()
        if start is not None:
            start.wait()
        for attempt in range(ATTEMPTS):
            if self._stopped.is_set():
                return
            ts = int(time.time())
            request = urllib.request.Request(
                self.url,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Tidings-Timestamp": str(ts),
                    "X-Tidings-Signature": sign(self._secret, ts, body),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status == 202:
                        self.tally.add(accepted=1, retried=attempt)
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2 * (attempt + 1))
        self.tally.add(failed=1, retried=ATTEMPTS - 1)
