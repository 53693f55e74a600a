"""When the count is off, why: every stored story lead of the watch against the hourly counter
cells, and the state of the delivery that claimed it. Read from the tables directly, as an
operator investigating would; only printed, never part of the verdict."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from chalicelib.domain.models import CounterKey, claim_parts
from chalicelib.domain.pipeline import hour_of


def audit_counts(watch_id: str, say: Callable[[str], None]) -> None:
    from chalicelib.services import services
    from chalicelib.store.tables import DeliveryModel, MentionModel

    leads: Counter[CounterKey] = Counter()
    claims: Counter[str] = Counter()
    for item in MentionModel.query(watch_id):
        if item.is_story_lead is False:
            continue
        leads[CounterKey(watch_id, hour_of(item.published_at), item.source, item.sentiment)] += 1
        marker = claim_parts(str(item.claim))[1]
        try:
            state = "taken over" if DeliveryModel.get(marker).taken_over else "finished"
        except DeliveryModel.DoesNotExist:
            state = "unfinished"
        claims[state] += 1
    if not leads:
        return
    first, last = min(k.hour for k in leads), max(k.hour for k in leads)
    counted = services().counters.hourly(watch_id, first, last)
    off = {k: counted.get(k, 0) - n for k, n in leads.items() if counted.get(k, 0) != n}
    off |= {k: n for k, n in counted.items() if k not in leads}
    say(f"audit: stored leads by their claim's delivery: {dict(claims)}")
    say(f"audit: {len(off)} counter cells off, by {sum(off.values()):+} in all")
    for key, delta in sorted(off.items(), key=lambda kv: kv[0].hour)[:12]:
        say(f"audit:   {key.hour:%Y-%m-%d %H}h {key.source} {key.sentiment}: {delta:+}")
