"""From a new mention to the channels: rules, flood control, idempotent delivery.

For each channel the watch's rules ask for, one alert id (the story, else the mention) is
claimed in the delivery ledger before anything is sent, so an SNS redelivery or a Lambda retry
finds the claim and posts nothing. The crash window: a notifier that dies after Slack accepted
the post but before it recorded "sent" leaves a "sending" claim; a retry within the lease (the
notifier's timeout) skips it, a retry after the lease posts again. That one duplicate, after a
crash between two lines, is the price of never losing an alert to a crash before the post.
A post that fails releases its claim and raises, so Lambda retries it and finally the DLQ has it.

Why two ledger writes per alert (claim, then finish) and not one: the claim must exist before
the post (else two concurrent copies both post) and must be stealable after the lease (else a
crash before the post loses the alert), so only a write AFTER the post can tell "posted" from
"died before posting". Without `finish("sent")` every retry later than the lease would post
again, and SNS invokes the notifier asynchronously: Lambda retries a failed invocation (one
that posted to Slack and then failed on email, say) after about 1 and 2 minutes, past the
60-second lease, and may deliver an event twice hours apart. Without `finish("held")` such a
retry would decide again: count the alert twice in its batch, or post it alone once the window
has moved on. Both items are far below 1 KB, so each write is already the 1 WRU minimum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.domain.alerts.flood import Batch, FloodState, Held, decide, due, take_batch
from chalicelib.domain.alerts.ports import DeliveryLedger, FloodStore, GoneTargets
from chalicelib.domain.alerts.rules import evaluate
from chalicelib.domain.matching import Document, WatchMatcher
from chalicelib.domain.models import Watch, WatchMention
from chalicelib.domain.query import Span
from chalicelib.notify.render import headline
from chalicelib.notify.slack import SlackGoneError
from chalicelib.observability import logger, metrics

SAVE_TRIES = 8  # optimistic-lock retries when notifiers race on one scope


class ChannelSender(Protocol):
    """One channel (slack here; email and webhook plug in the same way)."""

    def target(self, watch: Watch) -> str | None:
        """A stable name of where this watch's alerts go; None when not configured."""
        ...

    def send_alert(self, watch: Watch, item: WatchMention, spans: Sequence[Span]) -> None: ...

    def send_batch(self, watch: Watch, batch: Batch) -> None: ...


@dataclass
class AlertDelivery:
    flood: FloodStore
    ledger: DeliveryLedger
    gone: GoneTargets
    senders: Mapping[str, ChannelSender]
    lease_s: int = 60

    def deliver(self, watch: Watch, item: WatchMention, story_id: str, now: datetime) -> list[str]:
        """Evaluate the rules for a new mention and deliver it; returns what each channel did."""
        fired = evaluate(watch.alerts, item)
        alert_id = f"{watch.id}:{story_id or item.id}"
        outcomes = []
        for channel in fired.channels:
            sender = self.senders.get(channel)
            if sender is not None:
                done = self._one(
                    watch, item, alert_id=alert_id, channel=channel, sender=sender, now=now
                )
                outcomes.append(f"{channel}:{done}")
        logger.info(
            "alert evaluated", watch_id=watch.id, rules=list(fired.rules), outcomes=outcomes
        )
        return outcomes

    def _one(
        self,
        watch: Watch,
        item: WatchMention,
        *,
        alert_id: str,
        channel: str,
        sender: ChannelSender,
        now: datetime,
    ) -> str:
        target = sender.target(watch)
        if target is None:
            return "not configured"
        if self.gone.reason(target):
            return "gone"
        key = f"{alert_id}#{channel}"
        if not self.ledger.claim(key, now, self.lease_s):
            metrics.add_metric(name="AlertsDuplicate", unit="Count", value=1)
            return "already delivered"
        try:
            held = Held(key, headline(item), item.mention.url, float(item.reach_score or 0))
            decision = self._decide(watch, channel, held, now)
            if decision != "send":
                self.ledger.finish(key, "held")
                return decision
            sender.send_alert(watch, item, _spans(watch, item))
        except SlackGoneError as error:
            self._gone(target, channel, str(error), now)
            self.ledger.finish(key, "gone")
            return "gone"
        except Exception:
            self.ledger.release(key)
            raise
        self.ledger.finish(key, "sent")
        metrics.add_metric(name="AlertsSent", unit="Count", value=1)
        return "sent"

    def _decide(self, watch: Watch, channel: str, held: Held, now: datetime) -> str:
        for _ in range(SAVE_TRIES):
            state = self.flood.get(watch.id, channel)
            decision, new = decide(state, watch.alerts.flood, now, held)
            if self.flood.save(watch.id, channel, new):
                return decision
        return "send"  # the scope is contended beyond reason: do not lose the alert

    def flush(self, watches: Mapping[str, Watch], now: datetime) -> int:
        """The scheduled flush: send every batch whose window (or quiet hours) ended."""
        sent = 0
        for watch_id, channel, state in self.flood.held():
            watch, sender = watches.get(watch_id), self.senders.get(channel)
            if watch is None or sender is None or not due(state, watch.alerts.flood, now):
                continue
            batch, new = take_batch(state, watch.alerts.flood, now)
            if not self.flood.save(watch_id, channel, new):
                continue  # another flush or notifier moved it: the next minute sees it
            sent += self._send_batch(
                watch, channel, sender=sender, state=state, batch=batch, now=now
            )
        return sent

    def _send_batch(
        self,
        watch: Watch,
        channel: str,
        *,
        sender: ChannelSender,
        state: FloodState,
        batch: Batch,
        now: datetime,
    ) -> int:
        target = sender.target(watch)
        key = f"batch:{watch.id}:{batch.since.isoformat()}#{channel}"
        if (
            target is None
            or self.gone.reason(target)
            or not self.ledger.claim(key, now, self.lease_s)
        ):
            return 0
        try:
            sender.send_batch(watch, batch)
        except SlackGoneError as error:
            self._gone(target, channel, str(error), now)
            self.ledger.finish(key, "gone")
            return 0
        except Exception as error:  # give the batch back: the next flush tries again
            self.ledger.release(key)
            self._restore(watch.id, channel, state)
            logger.warning(
                "alert batch failed", watch_id=watch.id, channel=channel, error=str(error)
            )
            return 0
        self.ledger.finish(key, "sent")
        metrics.add_metric(name="AlertBatchesSent", unit="Count", value=1)
        logger.info("alert batch sent", watch_id=watch.id, channel=channel, count=batch.count)
        return 1

    def _restore(self, watch_id: str, channel: str, taken: FloodState) -> None:
        for _ in range(SAVE_TRIES):
            now_state = self.flood.get(watch_id, channel)
            top = tuple(sorted((*now_state.top, *taken.top), key=lambda h: -h.reach)[:3])
            merged = FloodState(
                window_start=now_state.window_start,
                sent=now_state.sent,
                held_count=now_state.held_count + taken.held_count,
                top=top,
                first_held_at=taken.first_held_at,
                quiet=taken.quiet or now_state.quiet,
                version=now_state.version,
            )
            if self.flood.save(watch_id, channel, merged):
                return

    def _gone(self, target: str, channel: str, reason: str, now: datetime) -> None:
        self.gone.mark(target, channel, reason, now)
        metrics.add_metric(name="AlertTargetsGone", unit="Count", value=1)
        logger.error("alert target gone", channel=channel, reason=reason)


def _spans(watch: Watch, item: WatchMention) -> tuple[Span, ...]:
    """Where the watch's query matched, for highlighting (none if it no longer matches)."""
    try:
        matches = WatchMatcher([watch]).match(Document.of(item.mention, item.language))
    except ValueError:
        return ()
    return matches[0].spans if matches else ()
