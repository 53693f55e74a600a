"""The `email` channel of the alert rules: instant alerts through the alert-email SNS topic.

It is a `ChannelSender` like Slack, so an email alert has passed the rules, flood control
(batching, quiet hours) and the delivery ledger before it is published. SNS delivers at most
10 email messages a second per subscription; publishes are paced below that in each process,
and flood control caps each watch at `max_per_window` singles per window plus one batch.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from chalicelib.domain.alerts.flood import Batch
from chalicelib.domain.alerts.rules import evaluate
from chalicelib.domain.keys import short_hash
from chalicelib.domain.models import Watch, WatchMention
from chalicelib.domain.query import Span
from chalicelib.notify import email_render

SNS_EMAIL_PER_SECOND = 10


class EmailTopic(Protocol):
    """Where email alerts are published (`chalicelib.aws.alert_email.SnsEmailTopic`)."""

    @property
    def topic_arn(self) -> str: ...

    def publish(self, subject: str, body: str, attributes: dict[str, dict[str, str]]) -> str: ...


class Pacer:
    """At most `per_second` calls in any one second: waits for the oldest to age out."""

    def __init__(
        self,
        per_second: int = SNS_EMAIL_PER_SECOND,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._limit = per_second
        self._clock = clock
        self._sleep = sleep
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more call fits; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            waited = 0.0
            while self._times and now - self._times[0] >= 1.0:
                self._times.popleft()
            if len(self._times) >= self._limit:
                waited = 1.0 - (now - self._times[0])
                self._sleep(waited)
                now = self._clock()
                self._times.popleft()
            self._times.append(now)
            return waited


PACER = Pacer()  # one per process: the notifier builds its senders per message


class EmailSender:
    def __init__(self, topic: EmailTopic, pacer: Pacer = PACER) -> None:
        self._topic = topic
        self._pacer = pacer

    def target(self, watch: Watch) -> str | None:
        arn = self._topic.topic_arn
        return f"email:{short_hash(arn)}" if arn else None

    def send_alert(self, watch: Watch, item: WatchMention, spans: Sequence[Span] = ()) -> None:
        from chalicelib.aws.alert_email import email_attributes

        rules = evaluate(watch.alerts, item).rules
        self._pacer.wait()
        self._topic.publish(
            email_render.alert_subject(watch, item),
            email_render.alert_body(watch, item, rules),
            email_attributes(watch.id, "mention", item.sentiment, rules),
        )

    def send_batch(self, watch: Watch, batch: Batch) -> None:
        from chalicelib.aws.alert_email import email_attributes

        self._pacer.wait()
        self._topic.publish(
            email_render.batch_subject(watch, batch),
            email_render.batch_body(watch, batch),
            email_attributes(watch.id, "batch"),
        )
