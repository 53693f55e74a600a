"""Email digests: every hour the schedule looks whether it is the digest hour (Settings), and
then sends the daily digests, and on Mondays the weekly ones, through SES.

A once-only marker per (watch, period, day) makes a retried or overlapping run send nothing
twice. Volume, sentiment, sources and share of voice come from the hourly counters; top
stories and authors from a bounded read of the feed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalice.app import Blueprint

from chalicelib.domain.digest import Digest, build, period_bounds, volume
from chalicelib.domain.feedwindow import mentions_between
from chalicelib.domain.models import Watch
from chalicelib.errors import TidingsError
from chalicelib.observability import logger, metrics
from chalicelib.services import Services, services

bp = Blueprint(__name__)

HOUR = timedelta(hours=1)
MAX_DIGEST_MENTIONS = 1000  # top stories and authors come from at most this many mentions
MARKER_DAYS = 8  # keep the once-only marker past the next weekly run


def build_digest(svc: Services, watch: Watch, period: str, now: datetime) -> Digest:
    start, end = period_bounds(period, now)
    before = start - (end - start)
    counts = svc.counters.hourly(watch.id, before, end - HOUR)
    company = {
        w.name: volume(svc.counters.hourly(w.id, start, end - HOUR), start, end)
        for w in svc.watches.list()
        if w.enabled or w.id == watch.id
    }
    return build(
        watch_id=watch.id,
        watch_name=watch.name,
        period=period,
        now=now,
        counts=counts,
        mentions=mentions_between(svc.mentions, watch.id, start, end, MAX_DIGEST_MENTIONS),
        company=company,
    )


def send_digest(svc: Services, watch: Watch, period: str, now: datetime) -> bool:
    """Send this watch's digest once for the period; False when sent already or no one gets it."""
    from chalicelib.aws.ses import send_email
    from chalicelib.notify.digest_html import as_html, as_text, subject
    from chalicelib.notify.digest_sender import digest_sender
    from chalicelib.store.cooldowns import DynamoCooldowns

    recipients = watch.alerts.digest.recipients
    sender = digest_sender(svc.settings) if recipients else None
    if not recipients or sender is None:
        return False
    cooldowns = DynamoCooldowns()
    scope = f"digest#{watch.id}#{period}#{now:%Y%m%d}"
    if not cooldowns.acquire(scope, now, now + timedelta(days=MARKER_DAYS)):
        return False
    try:
        digest = build_digest(svc, watch, period, now)
        send_email(
            sender,
            recipients,
            subject(digest),
            as_html(digest),
            as_text(digest),
        )
    except Exception:
        cooldowns.release(scope)
        raise
    logger.info("digest sent", watch_id=watch.id, period=period, recipients=len(recipients))
    metrics.add_metric(name="DigestsSent", unit="Count", value=1)
    return True


def due_periods(frequency: str, now: datetime, hour: int) -> list[str]:
    if now.hour != hour or frequency not in ("daily", "weekly"):
        return []
    if frequency == "weekly" and now.weekday() != 0:  # Monday
        return []
    return [frequency]


def send_due(now: datetime | None = None) -> int:
    """Send the digests due this hour; return how many went out."""
    svc = services()
    at = now or datetime.now(UTC)
    sent = 0
    for watch in svc.watches.list():
        if not watch.enabled:
            continue
        for period in due_periods(watch.alerts.digest.frequency, at, svc.settings.digest_hour):
            try:
                sent += int(send_digest(svc, watch, period, at))
            except TidingsError as error:
                logger.error("digest not sent", watch_id=watch.id, period=period, error=str(error))
    return sent


@bp.schedule("cron(0 * * * ? *)", name="digest_schedule")
def digest_schedule(event: Any) -> None:
    send_due()
