"""The tables, defined once. Infra builds the same key schemas; a test checks they agree.

| table      | hash key   | range key   | serves                                              |
|------------|------------|-------------|-----------------------------------------------------|
| watches    | pk         | watch_id    | list / get a watch (one Query on pk="watch")        |
| mentions   | watch_id   | mention_id  | is it new (conditional put), feed newest first,     |
|            |            |             | one mention by id (GetItem); TTL expires_at         |
| counters   | watch_id   | cell        | hourly counts H#yyyymmddhh, n#source#sentiment (ADD);|
|            |            |             | author days A#yyyymmdd#source#handle with their ids |
|            |            |             | open deliveries under ~open#yyyymmddhh (a day; TTL) |
| cursors    | watch_id   | source_id   | where a poll left off and the source's health       |
| deliveries | delivery_id| -           | which deliveries finished their fan-out; TTL        |
| usage      | scope      | -           | API budget use, e.g. x#watch#2026-11 (ADD); TTL     |
| alert_state| pk         | scope       | flood control per watch x channel; gone targets     |
| alert_deliveries | delivery_key | -     | idempotent alert delivery per (alert, channel); TTL |
| api_keys   | pk         | key_id      | API keys: name and SHA-256 of the secret            |
| authors    | author     | ref         | source#handle -> watch_id#A#day (the day cell keeps |
|            |            |             | the ids) or watch_id#mention_id (a copy); erasure   |
| stories    | watch_id   | batch       | stories founded per batch: fingerprint -> story id; |
|            |            |             | one Query per watch and batch finds copies; TTL     |
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Self

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chalicelib.settings import Settings

# The error code of a failed conditional write: the item was there (or not) already.
CONDITION_FAILED = "ConditionalCheckFailedException"


def compact_json(value: Any) -> str:
    """JSON without the spaces after `,` and `:`, and non-ASCII text as UTF-8 rather than 6-byte
    `\\uXXXX` escapes: items rewritten on every poll or alert are billed per KB."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# A mention's text is stored zlib-compressed (text_z) from this many UTF-8 bytes on, when that
# saves at least a fifth: an article's text is most of its item, billed per KB written and
# stored; English prose of 1,000 characters compresses to about 0.56 (NYT snippets), a tweet
# hardly at all, so short texts stay readable strings.
COMPRESS_FROM = 256


def pack_text(text: str) -> tuple[str, bytes | None]:
    """(text, None) or ("", its zlib bytes): the two attributes a mention's text is stored in."""
    raw = text.encode("utf-8", "surrogatepass")  # a source's JSON may hold a lone surrogate
    if len(raw) >= COMPRESS_FROM:
        packed = zlib.compress(raw, 9)
        if len(packed) <= 0.8 * len(raw):
            return "", packed
    return text, None


def unpack_text(text: str, packed: bytes | None) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogatepass") if packed else text


class CompactJSONAttribute(JSONAttribute):
    """Stored as `compact_json`; reads any JSON."""

    def serialize(self, value: Any) -> str | None:
        return None if value is None else compact_json(value)


class WatchModel(Model):
    class Meta:
        table_name = "watches"

    pk = UnicodeAttribute(hash_key=True, default="watch")
    watch_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    query_text = UnicodeAttribute(attr_name="query")
    sources = JSONAttribute(default=list)
    retention_days = NumberAttribute(default=365)
    enabled = BooleanAttribute(default=True)
    alerts = JSONAttribute(null=True)  # AlertSettings.to_dict(); absent: the defaults
    updated_at = UTCDateTimeAttribute()


class MentionModel(Model):
    class Meta:
        table_name = "mentions"

    watch_id = UnicodeAttribute(hash_key=True)
    mention_id = UnicodeAttribute(range_key=True)
    key = UnicodeAttribute(null=True)  # no longer written: the mention id ends with the key
    source = UnicodeAttribute()
    native_id = UnicodeAttribute()
    url = UnicodeAttribute(default="")
    title = UnicodeAttribute(default="")
    text = UnicodeAttribute(default="")  # short texts, and every text stored before text_z
    text_z = BinaryAttribute(null=True, legacy_encoding=False)  # pack_text: a long text
    published_at = UTCDateTimeAttribute()
    author_name = UnicodeAttribute(default="")
    author_handle = UnicodeAttribute(default="")
    author_url = UnicodeAttribute(default="")
    author_reach = NumberAttribute(null=True)
    language = UnicodeAttribute()
    source_language = UnicodeAttribute(null=True)
    sentiment = UnicodeAttribute()
    sentiment_score = NumberAttribute(null=True)
    reach_score = NumberAttribute(null=True)
    influencer = BooleanAttribute(default=False)
    story_id = UnicodeAttribute(null=True)  # the founding mention's id; None: its own story
    is_story_lead = BooleanAttribute(null=True)  # None (stored before stories): a lead
    matched_terms = ListAttribute[str](default=list)
    engagement = JSONAttribute(default=dict)
    status = UnicodeAttribute(default="new")
    status_by = UnicodeAttribute(null=True)
    status_at = UTCDateTimeAttribute(null=True)
    assignee = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    first_response_at = UTCDateTimeAttribute(null=True)  # when it first left "new"
    claim = UnicodeAttribute()
    stored_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


TALLY = "n#"  # CounterModel: the prefix of an hour cell's numbers


class CounterModel(Model):
    class Meta:
        table_name = "counters"

    watch_id = UnicodeAttribute(hash_key=True)
    cell = UnicodeAttribute(range_key=True)
    total = NumberAttribute(attr_name="count", default=0)
    sum_s = NumberAttribute(null=True)  # R# cells: response seconds added up
    reach_score = NumberAttribute(null=True)  # A# cells: the author's reach as last seen
    refs = UnicodeSetAttribute(null=True)  # A# cells: the ids counted (store/authors.py)
    # ~open# partitions, not a watch's (store/open_deliveries.py): the keys a delivery is about
    # to claim, zlib-packed; and the sweep's cursor, the last open record it examined
    keys_z = BinaryAttribute(null=True, legacy_encoding=False)
    position = UnicodeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    # H# cells: one per watch and hour with a number per source and sentiment, named
    # TALLY + "reddit#negative" and added to by name (no fixed schema: sources come and go), so
    # a delivery counts each hour it spans with one item. Read back by `from_raw_data`.
    tallies: dict[str, int]

    @classmethod
    def from_raw_data(cls, data: dict[str, Any]) -> Self:
        item = super().from_raw_data(data)
        item.tallies = {
            name.removeprefix(TALLY): int(value["N"])
            for name, value in data.items()
            if name.startswith(TALLY) and "N" in value
        }
        return item


class CursorModel(Model):
    class Meta:
        table_name = "cursors"

    watch_id = UnicodeAttribute(hash_key=True)
    source_id = UnicodeAttribute(range_key=True)
    position = CompactJSONAttribute(default=dict)
    last_success_at = UTCDateTimeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    last_error_at = UTCDateTimeAttribute(null=True)
    last_error_kind = UnicodeAttribute(null=True)
    items_fetched = NumberAttribute(null=True)


class DeliveryModel(Model):
    class Meta:
        table_name = "deliveries"

    delivery_id = UnicodeAttribute(hash_key=True)
    expires_at = TTLAttribute()
    # True: a webhook batch whose claim another batch took over; it counted nothing and never will
    taken_over = BooleanAttribute(null=True)
    # A delivery over one transaction's cells: the counts it committed to and has yet to add
    # (store/counters.py), and when their cells expire
    pending = CompactJSONAttribute(null=True)
    pending_expires_at = UTCDateTimeAttribute(null=True)


class AlertStateModel(Model):
    """Flood control per (watch, channel) under pk="flood", and gone Slack targets under
    pk="gone": few items, so the minute's flush reads them with one Query."""

    class Meta:
        table_name = "alert_state"

    pk = UnicodeAttribute(hash_key=True)
    scope = UnicodeAttribute(range_key=True)
    state = CompactJSONAttribute(default=dict)
    version = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)


class AlertDeliveryModel(Model):
    """One item per (alert, channel): the conditional put that makes delivery idempotent."""

    class Meta:
        table_name = "alert_deliveries"

    delivery_key = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()  # sending, sent, held
    claimed_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class UsageModel(Model):
    """How much of a rationed API a scope has used; a conditional ADD keeps it under budget."""

    class Meta:
        table_name = "usage"

    scope = UnicodeAttribute(hash_key=True)
    used = NumberAttribute(default=0)
    expires_at = TTLAttribute()


class ApiKeyModel(Model):
    """An API key: its name and the SHA-256 of its secret, never the secret."""

    class Meta:
        table_name = "api_keys"

    pk = UnicodeAttribute(hash_key=True, default="key")  # one partition: list with a Query
    key_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)


class AuthorIndexModel(Model):
    """Which mentions one author wrote (`source#handle`): erasure finds them without a Scan."""

    class Meta:
        table_name = "authors"

    author = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute(range_key=True)  # watch_id#mention_id
    expires_at = TTLAttribute()


class MentionKeyModel(Model):
    """Which stored mentions carry one mention key (`mention_key(source, native_id)`), written
    only for sources whose platform can tombstone an item (store/tombstones.py): a sparse
    lookup rather than an index costing a write on every mention."""

    class Meta:
        table_name = "mention_keys"

    key = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute(range_key=True)  # watch_id#mention_id
    expires_at = TTLAttribute()


class StoryModel(Model):
    """The stories one delivery founded for a watch, as `exact:simhash:story_id` strings: one
    small item per batch, not one per story, so founding a story costs bytes, not a write."""

    class Meta:
        table_name = "stories"

    watch_id = UnicodeAttribute(hash_key=True)
    batch = UnicodeAttribute(range_key=True)  # yyyymmddThhmmssZ#delivery_id#n
    entries = ListAttribute[str](default=list)
    expires_at = TTLAttribute()


MODELS: dict[str, type[Model]] = {
    "watches": WatchModel,
    "mentions": MentionModel,
    "counters": CounterModel,
    "cursors": CursorModel,
    "deliveries": DeliveryModel,
    "usage": UsageModel,
    "alert_state": AlertStateModel,
    "alert_deliveries": AlertDeliveryModel,
    "api_keys": ApiKeyModel,
    "authors": AuthorIndexModel,
    "stories": StoryModel,
    "mention_keys": MentionKeyModel,
}


def bind(settings: Settings) -> None:
    """Point every model at this stage's tables (and DynamoDB Local when configured)."""
    for name, model in MODELS.items():
        meta: Any = model.Meta
        meta.table_name = settings.table_name(name)
        meta.region = settings.region
        meta.host = settings.dynamodb_endpoint
        meta.billing_mode = "PAY_PER_REQUEST"
        model._connection = None


def create_tables(settings: Settings) -> None:
    """Create missing tables with TTL on: used by the local stack and the tests."""
    bind(settings)
    for model in MODELS.values():
        if not model.exists():
            model.create_table(wait=True)
        if "expires_at" in model.get_attributes():
            _enable_ttl(model)


def _enable_ttl(model: type[Model]) -> None:
    connection: Any = model._get_connection().connection
    client = connection.client
    table = model.Meta.table_name
    status = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
        )
