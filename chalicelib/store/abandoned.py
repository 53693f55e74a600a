"""The sweep's hold on the mentions a dead delivery claimed (domain/sweep.py): read each one,
mark its delivery taken over, and move its claim with the same conditional update as a
delivery that meets an abandoned claim (repositories `take_over_claim`), so of two sweeps, or a
sweep and a delivery, only one finishes it."""

from __future__ import annotations

from chalicelib.domain.models import WatchMention
from chalicelib.store.authors import record_author
from chalicelib.store.counters import mark_taken_over
from chalicelib.store.repositories import take_over_claim, watch_mention_of
from chalicelib.store.tables import MentionModel
from chalicelib.store.tombstones import record_key


class DynamoAbandonedClaims:
    def stored(self, watch_id: str, mention_id: str) -> tuple[WatchMention, str] | None:
        """Eventually consistent is enough: a claim the sweep reads is past its lease, and a
        claim moved since fails the conditional take-over."""
        try:
            model = MentionModel.get(watch_id, mention_id)
        except MentionModel.DoesNotExist:
            return None
        return watch_mention_of(model), model.claim

    def abandon(self, delivery_id: str) -> bool:
        return mark_taken_over(delivery_id)

    def take_over(self, item: WatchMention, previous: str, claim: str) -> bool:
        model = MentionModel(item.watch_id, item.id, claim=claim)
        if not take_over_claim(model, previous):
            return False
        # As a delivery that claims it does: the author's day cell and the tombstone lookup,
        # both idempotent, which the dead delivery may not have reached.
        record_author(item, model.expires_at)  # update() read back the stored item
        record_key(item, model.expires_at)
        return True
