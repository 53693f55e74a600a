"""Storage for the REST API: API keys, the filtered feed, triage with time to first response,
and the response and author counter cells. Query, GetItem and writes only; never a Scan."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.api_keys import ApiKey, new_key
from chalicelib.domain.feed import FeedFilter
from chalicelib.domain.models import WatchMention
from chalicelib.store.counters import connection_of
from chalicelib.store.repositories import watch_mention_of
from chalicelib.store.tables import CONDITION_FAILED, ApiKeyModel, CounterModel, MentionModel

COUNTER_RETENTION = timedelta(days=800)
UNSET = object()  # a triage field the request did not mention


class DynamoApiKeyRepository:
    def create(self, name: str) -> tuple[ApiKey, str]:
        """A new key; the full key is returned once and never stored."""
        key_id, full, digest = new_key()
        model = ApiKeyModel(
            "key", key_id, name=name, secret_hash=digest, created_at=datetime.now(UTC)
        )
        model.save(condition=ApiKeyModel.key_id.does_not_exist())
        return _api_key(model), full

    def get(self, key_id: str) -> ApiKey | None:
        try:
            return _api_key(ApiKeyModel.get("key", key_id))
        except ApiKeyModel.DoesNotExist:
            return None

    def list(self) -> list[ApiKey]:
        return [_api_key(m) for m in ApiKeyModel.query("key")]

    def revoke(self, key_id: str) -> bool:
        try:
            ApiKeyModel("key", key_id).update(
                actions=[ApiKeyModel.revoked_at.set(datetime.now(UTC))],
                condition=ApiKeyModel.key_id.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True


def _api_key(model: ApiKeyModel) -> ApiKey:
    return ApiKey(
        key_id=model.key_id,
        name=model.name,
        secret_hash=model.secret_hash,
        created_at=model.created_at,
        revoked_at=model.revoked_at,
    )


class DynamoFeedRepository:
    """One watch's mentions newest first, the time range in the key condition and the
    equality filters as a FilterExpression; read lazily, a page of 100 at a time."""

    def stream(
        self, watch_id: str, feed_filter: FeedFilter, after: str | None = None
    ) -> Iterator[WatchMention]:
        low, high = feed_filter.id_range()
        if after is not None and (high is None or after < high):
            high = after
        if low is not None and high is not None:
            if low > high:  # a cursor from before `since` was changed: nothing in range
                return
            key_condition: Any = MentionModel.mention_id.between(low, high)
        elif high is not None:
            key_condition = MentionModel.mention_id <= high
        elif low is not None:
            key_condition = MentionModel.mention_id >= low
        else:
            key_condition = None
        conditions = [
            attribute == value
            for attribute, value in (
                (MentionModel.source, feed_filter.source),
                (MentionModel.sentiment, feed_filter.sentiment),
                (MentionModel.language, feed_filter.lang),
                (MentionModel.status, feed_filter.status),
            )
            if value is not None
        ]
        filter_condition: Any = None
        for condition in conditions:
            filter_condition = (
                condition if filter_condition is None else filter_condition & condition
            )
        for model in MentionModel.query(
            watch_id,
            range_key_condition=key_condition,
            filter_condition=filter_condition,
            scan_index_forward=False,
            page_size=100,
        ):
            if model.mention_id != after:
                yield watch_mention_of(model)


@dataclass(frozen=True)
class TriageChange:
    status: str | None = None
    assignee: Any = UNSET  # a name, None to clear, UNSET to leave
    note: Any = UNSET


class DynamoTriageRepository:
    """A triage decision with who and when. The first time a mention leaves `new`, its
    `first_response_at` is set in one transaction with the response counters (per watch and
    per assignee, per day), so a response is counted once even when two people race."""

    def update(
        self, watch_id: str, mention_id: str, change: TriageChange, actor: str
    ) -> WatchMention | None:
        try:
            current = MentionModel.get(watch_id, mention_id, consistent_read=True)
        except MentionModel.DoesNotExist:
            return None
        now = datetime.now(UTC)
        actions: list[Any] = []
        if change.status is not None:
            actions += [
                MentionModel.status.set(change.status),
                MentionModel.status_by.set(actor),
                MentionModel.status_at.set(now),
            ]
        for attribute, value in (
            (MentionModel.assignee, change.assignee),
            (MentionModel.note, change.note),
        ):
            if value is UNSET:
                continue
            actions.append(attribute.set(value) if value else attribute.remove())
        first = change.status not in (None, "new") and current.first_response_at is None
        if first and self._first_response(current, actions, change, actor, now):
            return self._get(watch_id, mention_id)
        if actions:
            try:
                MentionModel(watch_id, mention_id).update(
                    actions=actions, condition=MentionModel.watch_id.exists()
                )
            except UpdateError as error:
                if error.cause_response_code == CONDITION_FAILED:
                    return None
                raise
        return self._get(watch_id, mention_id)

    def _first_response(
        self,
        current: MentionModel,
        actions: list[Any],
        change: TriageChange,
        actor: str,
        now: datetime,
    ) -> bool:
        """False when someone else responded first (then this is an ordinary update)."""
        seconds = max(0.0, (now - current.stored_at).total_seconds())
        assignee = change.assignee if change.assignee is not UNSET else current.assignee
        who = str(assignee or actor)
        day = f"{now:%Y%m%d}"
        expires = now + COUNTER_RETENTION
        try:
            with TransactWrite(connection=connection_of(MentionModel)) as transaction:
                transaction.update(
                    MentionModel(current.watch_id, current.mention_id),
                    actions=[*actions, MentionModel.first_response_at.set(now)],
                    condition=MentionModel.watch_id.exists()
                    & MentionModel.first_response_at.does_not_exist(),
                )
                for cell in (f"R#W#{day}", f"R#A#{day}#{who}"):
                    transaction.update(
                        CounterModel(current.watch_id, cell),
                        actions=[
                            CounterModel.total.add(1),
                            CounterModel.sum_s.add(seconds),
                            CounterModel.expires_at.set(expires),
                        ],
                    )
        except TransactWriteError as error:
            reasons = [r.code for r in error.cancellation_reasons if r is not None]
            if "ConditionalCheckFailed" in reasons:
                return False
            raise
        return True

    def _get(self, watch_id: str, mention_id: str) -> WatchMention | None:
        try:
            return watch_mention_of(MentionModel.get(watch_id, mention_id, consistent_read=True))
        except MentionModel.DoesNotExist:
            return None


@dataclass(frozen=True)
class Cell:
    """A non-hourly counter cell: R#W#day, R#A#day#assignee or A#day#source#author."""

    watch_id: str
    cell: str
    count: int
    sum_s: float
    reach_score: float | None


class DynamoCellRepository:
    def cells(self, watch_id: str, prefix: str, first_day: str, last_day: str) -> list[Cell]:
        """Cells `<prefix><day>...` with first_day <= day <= last_day (yyyymmdd)."""
        condition = CounterModel.cell.between(f"{prefix}{first_day}", f"{prefix}{last_day}~")
        return [
            Cell(
                watch_id=m.watch_id,
                cell=m.cell,
                count=int(m.total or 0),
                sum_s=float(m.sum_s or 0),
                reach_score=float(m.reach_score) if m.reach_score is not None else None,
            )
            for m in CounterModel.query(watch_id, condition)
        ]


STORY_SPAN = timedelta(hours=48)  # copies arrive within this of the story's lead (stories.py)


def story_copies(watch_id: str, story_id: str) -> list[WatchMention]:
    """The copies of one story in a watch (not its lead): a Query on the lead's time window
    with a FilterExpression on story_id (no index needed: copies arrive within hours)."""
    lead_time = datetime.strptime(story_id[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    low, high = lead_time - STORY_SPAN, lead_time + STORY_SPAN
    return [
        watch_mention_of(m)
        for m in MentionModel.query(
            watch_id,
            MentionModel.mention_id.between(f"{low:%Y%m%dT%H%M%SZ}", f"{high:%Y%m%dT%H%M%SZ}~"),
            filter_condition=MentionModel.story_id == story_id,
        )
    ]
