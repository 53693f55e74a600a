"""Repositories: the domain's storage ports implemented on the PynamoDB models. Query and
GetItem only; nothing here scans a table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib.domain.alerts.schema import alert_settings_from_dict
from chalicelib.domain.models import (
    Author,
    Claim,
    Claimed,
    Cursor,
    Mention,
    SourceRef,
    Watch,
    WatchMention,
    claim_parts,
)
from chalicelib.store.authors import record_author
from chalicelib.store.counters import finished, mark_taken_over
from chalicelib.store.tables import (
    CONDITION_FAILED,
    CursorModel,
    MentionModel,
    WatchModel,
    pack_text,
    unpack_text,
)
from chalicelib.store.tombstones import record_key

ABANDONED_UNTIL = timedelta(days=1)  # well within the days the end markers are kept


def _now() -> datetime:
    return datetime.now(UTC)


class DynamoWatchRepository:
    def list(self) -> list[Watch]:
        return [_watch(m) for m in WatchModel.query("watch")]

    def get(self, watch_id: str) -> Watch | None:
        try:
            return _watch(WatchModel.get("watch", watch_id))
        except WatchModel.DoesNotExist:
            return None

    def put(self, watch: Watch) -> None:
        _watch_model(watch).save()

    def create(self, watch: Watch) -> bool:
        try:
            _watch_model(watch).save(condition=WatchModel.watch_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True

    def delete(self, watch_id: str) -> bool:
        try:
            WatchModel("watch", watch_id).delete(condition=WatchModel.watch_id.exists())
        except DeleteError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True


def _watch_model(watch: Watch) -> WatchModel:
    return WatchModel(
        "watch",
        watch.id,
        name=watch.name,
        query_text=watch.query,
        sources=[s.to_dict() for s in watch.sources],
        retention_days=watch.retention_days,
        enabled=watch.enabled,
        alerts=watch.alerts.to_dict(),
        updated_at=_now(),
    )


def _watch(model: WatchModel) -> Watch:
    return Watch(
        id=model.watch_id,
        name=model.name,
        query=model.query_text,
        sources=tuple(
            SourceRef(kind=str(s["kind"]), target=str(s.get("target", ""))) for s in model.sources
        ),
        retention_days=int(model.retention_days),
        enabled=bool(model.enabled),
        alerts=alert_settings_from_dict(model.alerts),
    )


class DynamoMentionRepository:
    def __init__(self, lease: timedelta) -> None:
        self._lease = lease  # Settings.claim_lease_s

    def claim(self, item: WatchMention, delivery_id: str, expires_at: datetime) -> Claimed:
        model = _mention_model(item, delivery_id, expires_at)
        outcome = Claim.NEW
        try:
            model.save(condition=MentionModel.watch_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code != CONDITION_FAILED:
                raise
            # The whole item: a read is billed by item size whatever it projects.
            stored = MentionModel.get(item.watch_id, item.id, consistent_read=True)
            outcome = _seen_again(model, stored, self._lease)
            if outcome is Claim.PENDING:
                return Claimed(outcome, item, retry_in=_lease_left(stored, self._lease))
            if outcome is Claim.DUPLICATE:
                return Claimed(outcome, item)
            # Counted and alerted as the feed shows it (its story, sentiment, words), not as
            # this attempt analysed it: the text may have been edited, the rules changed since.
            item = watch_mention_of(stored)
        record_author(item, expires_at)  # top authors and erasure
        record_key(item, expires_at)  # tombstone lookup: only for sources that send them
        return Claimed(outcome, item)

    def feed(
        self, watch_id: str, limit: int, after: str | None = None
    ) -> tuple[list[WatchMention], str | None]:
        condition = MentionModel.mention_id < after if after else None
        # One more than asked: whether it exists says if there is a next page, so the last
        # page never offers a cursor to an empty one.
        page = MentionModel.query(
            watch_id, range_key_condition=condition, scan_index_forward=False, limit=limit + 1
        )
        items = [watch_mention_of(m) for m in page]
        more = len(items) > limit
        items = items[:limit]
        return items, (items[-1].id if more else None)

    def get(self, watch_id: str, mention_id: str) -> WatchMention | None:
        try:
            return watch_mention_of(MentionModel.get(watch_id, mention_id))
        except MentionModel.DoesNotExist:
            return None

    def set_status(
        self, watch_id: str, mention_id: str, status: str, actor: str
    ) -> WatchMention | None:
        model = MentionModel(watch_id, mention_id)
        try:
            model.update(
                actions=[
                    MentionModel.status.set(status),
                    MentionModel.status_by.set(actor),
                    MentionModel.status_at.set(_now()),
                ],
                condition=MentionModel.watch_id.exists(),
            )
        except UpdateError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return None
            raise
        return watch_mention_of(model)


def _seen_again(model: MentionModel, stored: MentionModel, lease: timedelta) -> Claim:
    """What an existing claim means for this one: the rare path, one read and maybe a write."""
    if stored.claim == model.claim:
        return Claim.RETRY  # the first attempt may have stopped before the rest of `claim`
    mine, batch = claim_parts(model.claim)
    owner, marker = claim_parts(stored.claim)
    if owner == mine:
        return _reclaim(model, stored.claim, marker)
    if marker == batch:
        return Claim.DUPLICATE  # another message of this very batch claimed it: counted with it
    if (outcome := _claim_state(stored, lease)) is not Claim.NEW:
        return outcome
    # Past the lease it should be dead; were it only slow, marked taken over it can never count
    # (its retry counts nothing twice), so a lease shorter than a delivery costs a retry, no more.
    if not mark_taken_over(marker):
        return Claim.DUPLICATE  # it finished after all
    if not take_over_claim(model, stored.claim):
        return Claim.PENDING  # another delivery took it over first: wait for that one
    return Claim.NEW


def _reclaim(model: MentionModel, previous: str, marker: str) -> Claim:
    """This message's mention, claimed when it came in an earlier batch: SQS hands a failed
    message back in another batch, never the same one. If that batch finished, DUPLICATE. Else
    its marker is first written as taken over, so that batch can never count (were it alive,
    its counting transaction fails and all its messages come back), then the claim moves to
    this batch, which counts it: RETRY. Of two batches re-claiming it, the other wins: PENDING."""
    if not mark_taken_over(marker):
        return Claim.DUPLICATE
    return Claim.RETRY if take_over_claim(model, previous) else Claim.PENDING


def _claim_state(stored: MentionModel, lease: timedelta) -> Claim:
    """What a mention claimed by another delivery means for this one (one read, only for a
    mention seen again). That delivery finished (its end marker exists): DUPLICATE. It has
    not, within the lease: PENDING, it may be alive. It has not, past the lease: it died or
    was acknowledged without finishing (a retry that met a permanent error), so nobody will
    count or alert the mention: NEW, for this delivery to take over. Past the time the end
    markers are kept, nothing can be told: DUPLICATE, never counted twice. A webhook batch's
    claim is ended by its batch's marker; a batch taken over has not finished."""
    age = _now() - stored.stored_at if stored.stored_at else None
    if age is None or age > ABANDONED_UNTIL:
        return Claim.DUPLICATE
    if finished(claim_parts(stored.claim)[1]):
        return Claim.DUPLICATE
    return Claim.PENDING if age <= lease else Claim.NEW


def _lease_left(stored: MentionModel, lease: timedelta) -> float:
    """Seconds until a pending claim may be taken over (0: another delivery just took it and
    will finish soon): how long a delivery that waits for it should stay away."""
    if stored.stored_at is None:
        return 0.0
    return max(0.0, (stored.stored_at + lease - _now()).total_seconds())


def take_over_claim(model: MentionModel, previous: str) -> bool:
    """Move an abandoned claim to this delivery; of two racing deliveries only one wins."""
    try:
        model.update(
            actions=[MentionModel.claim.set(model.claim), MentionModel.stored_at.set(_now())],
            condition=MentionModel.claim == previous,
        )
    except UpdateError as error:
        if error.cause_response_code != CONDITION_FAILED:
            raise
        return False
    return True


def _mention_model(item: WatchMention, delivery_id: str, expires_at: datetime) -> MentionModel:
    m = item.mention
    # A story's lead (most mentions) stores neither story_id nor is_story_lead: absent reads
    # back as "its own story", and the bytes saved keep more items within 1 WRU (1 KB).
    copy = not item.is_story_lead
    text, text_z = pack_text(m.text)
    return MentionModel(
        item.watch_id,
        item.id,
        source=m.source,
        native_id=m.native_id,
        url=m.url,
        title=m.title,
        text=text,
        text_z=text_z,
        published_at=m.published_at,
        author_name=m.author.name,
        author_handle=m.author.handle,
        author_url=m.author.url,
        author_reach=m.author.reach,
        language=item.language,
        source_language=m.language,
        sentiment=item.sentiment,
        sentiment_score=item.sentiment_score,
        reach_score=item.reach_score,
        influencer=item.influencer,
        story_id=item.story_id if copy else None,
        is_story_lead=False if copy else None,
        matched_terms=list(item.matched_terms),
        engagement=dict(m.engagement),
        status=item.status,
        claim=delivery_id,
        stored_at=_now(),
        expires_at=expires_at,
    )


def watch_mention_of(model: MentionModel) -> WatchMention:
    mention = Mention(
        source=model.source,
        native_id=model.native_id,
        url=model.url,
        text=unpack_text(model.text, model.text_z),
        title=model.title,
        published_at=model.published_at,
        author=Author(
            name=model.author_name,
            handle=model.author_handle,
            url=model.author_url,
            reach=int(model.author_reach) if model.author_reach is not None else None,
        ),
        language=model.source_language,
        engagement={str(k): int(v) for k, v in (model.engagement or {}).items()},
    )
    return WatchMention(
        watch_id=model.watch_id,
        mention=mention,
        language=model.language,
        sentiment=model.sentiment,
        sentiment_score=model.sentiment_score,
        matched_terms=tuple(model.matched_terms or ()),
        status=model.status,
        status_by=model.status_by,
        status_at=model.status_at,
        reach_score=float(model.reach_score) if model.reach_score is not None else None,
        influencer=bool(model.influencer),
        story_id=model.story_id,
        is_story_lead=model.is_story_lead is not False,
        assignee=model.assignee,
        note=model.note,
        first_response_at=model.first_response_at,
    )


class DynamoCursorRepository:
    def get(self, watch_id: str, source_id: str) -> Cursor:
        try:
            return _cursor(CursorModel.get(watch_id, source_id, consistent_read=True))
        except CursorModel.DoesNotExist:
            return Cursor(watch_id=watch_id, source_id=source_id)

    def advance(
        self, watch_id: str, source_id: str, position: Mapping[str, Any], items_fetched: int = 0
    ) -> None:
        CursorModel(watch_id, source_id).update(
            actions=[
                CursorModel.position.set(dict(position)),
                CursorModel.last_success_at.set(_now()),
                CursorModel.last_error.remove(),
                CursorModel.last_error_kind.remove(),
                CursorModel.items_fetched.set(items_fetched),
            ]
        )

    def record_error(
        self, watch_id: str, source_id: str, error: str, kind: str = "transient"
    ) -> None:
        CursorModel(watch_id, source_id).update(
            actions=[
                CursorModel.last_error.set(error[:500]),
                CursorModel.last_error_at.set(_now()),
                CursorModel.last_error_kind.set(kind),
            ]
        )

    def for_watch(self, watch_id: str) -> list[Cursor]:
        return [_cursor(m) for m in CursorModel.query(watch_id)]


def _cursor(model: CursorModel) -> Cursor:
    return Cursor(
        watch_id=model.watch_id,
        source_id=model.source_id,
        position=model.position or {},
        last_success_at=model.last_success_at,
        last_error=model.last_error,
        last_error_at=model.last_error_at,
        last_error_kind=model.last_error_kind,
        items_fetched=int(model.items_fetched) if model.items_fetched is not None else None,
    )
