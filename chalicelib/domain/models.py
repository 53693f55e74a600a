"""The nouns of Tidings as frozen values: watches, mentions, cursors, counters, poll jobs."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from chalicelib.domain.alerts.settings import AlertSettings
from chalicelib.domain.keys import mention_key, short_hash

SENTIMENTS = ("positive", "neutral", "negative", "unscored")
# A support team's triage of a mention: new until someone looks at it.
TRIAGE_STATUSES = ("new", "needs_reply", "handled", "ignored")
WATCH_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class SourceRef:
    """One place a watch listens: a connector kind and, for some kinds, a target (a feed URL)."""

    kind: str
    target: str = ""

    @property
    def id(self) -> str:
        """Stable name for the cursor: the kind alone, or the kind and a hash of the target."""
        return f"{self.kind}:{short_hash(self.target)}" if self.target else self.kind

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "target": self.target} if self.target else {"kind": self.kind}


@dataclass(frozen=True)
class Watch:
    """What a company listens for: a query, where to look, and how long to keep what is found."""

    id: str
    name: str
    query: str
    sources: tuple[SourceRef, ...] = ()
    retention_days: int = 365
    enabled: bool = True
    alerts: AlertSettings = field(default_factory=AlertSettings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "query": self.query,
            "sources": [s.to_dict() for s in self.sources],
            "retention_days": self.retention_days,
            "enabled": self.enabled,
            "alerts": self.alerts.to_dict(),
        }


@dataclass(frozen=True)
class Author:
    name: str = ""
    handle: str = ""
    url: str = ""
    reach: int | None = None


# No post is published after this: later times are garbage, and a time this late still leaves
# room for retention and story windows to be added without leaving datetime's range.
LATEST_PUBLISHED = datetime(9000, 1, 1, tzinfo=UTC)


def published_in_range(moment: datetime) -> bool:
    """Whether a post's time is one Tidings can store: expressible in UTC, before year 9000."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        return aware.astimezone(UTC) < LATEST_PUBLISHED
    except OverflowError:  # year 1 or 9999 with an offset that pushes it out of range
        return False


@dataclass(frozen=True)
class Mention:
    """One post, comment or article, normalised to the same shape whatever its source.
    Its time must be in range (`published_in_range`), else ValueError: found by fuzzing, a year
    9999 time made the pipeline's retention arithmetic overflow and the worker fail for good."""

    source: str
    native_id: str
    url: str
    text: str
    published_at: datetime
    title: str = ""
    author: Author = field(default_factory=Author)
    language: str | None = None
    engagement: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not published_in_range(self.published_at):
            raise ValueError(f"published_at {self.published_at.isoformat()} is out of range")

    @property
    def key(self) -> str:
        return mention_key(self.source, self.native_id)


@dataclass(frozen=True)
class WatchMention:
    """A mention as stored for one watch that it matched, with what analysis found."""

    watch_id: str
    mention: Mention
    language: str
    sentiment: str
    sentiment_score: float | None
    matched_terms: tuple[str, ...]
    status: str = "new"
    status_by: str | None = None
    status_at: datetime | None = None
    reach_score: float | None = None  # the author's reach, 0-100 comparable across sources
    influencer: bool = False  # reach at or above the deployment's influencer threshold
    story_id: str | None = None  # id of the mention that founded its story (domain/stories.py)
    is_story_lead: bool = True  # the founding mention: the one copy alerted and counted
    assignee: str | None = None  # triage: who should answer
    note: str | None = None  # triage: an internal note
    first_response_at: datetime | None = None  # when it first left "new"
    # Names of the watch's alert rules this new mention fired, set when it is published (the
    # SNS attribute `rules`, for subscription filter policies); not stored.
    alert_rules: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Sort key and public id: time first so a watch's feed reads newest first."""
        return mention_id(self.mention.published_at, self.mention.key)


def mention_id(published_at: datetime, key: str) -> str:
    return f"{published_at.astimezone(UTC):%Y%m%dT%H%M%SZ}.{key}"


class Claim(Enum):
    """What the conditional write of a mention decided."""

    NEW = "new"  # first time stored: count it and alert
    RETRY = "retry"  # stored earlier by this same delivery, which may not have finished
    DUPLICATE = "duplicate"  # stored by another delivery: nothing to do
    # stored by another delivery that has not finished: it may still count and alert it, or
    # have died first; this delivery must not move past it (retried until that one finishes)
    PENDING = "pending"


@dataclass(frozen=True)
class Claimed:
    """A claim's outcome and the item as stored. A mention stored by an earlier delivery is
    counted and alerted as the feed shows it when this delivery finishes it: a retry's batch may
    group its story otherwise, and its text or the analysis may have changed since."""

    outcome: Claim
    item: WatchMention
    retry_in: float = 0.0  # PENDING: seconds until the other delivery's claim may be taken over


# A webhook batch's claims are "<message id>@<batch id>": the message says whose it is (its
# retry, in any later batch, recognises it), the batch's end marker says whether it finished.
# A claim without "@" (polls, and webhook items stored before batches) is its own marker.
BATCH_SEPARATOR = "@"


def new_attempt_id() -> str:
    """A fresh id for one delivery attempt (a poll attempt or an ingest batch): its claims'
    `@` part and its end marker, so no two attempts ever share a marker."""
    return secrets.token_urlsafe(12)


def batch_claim(message_id: str, batch_id: str) -> str:
    return f"{message_id}{BATCH_SEPARATOR}{batch_id}"


def claim_parts(claim: str) -> tuple[str, str]:
    """(whose it is, the marker that ends it) of a stored claim."""
    owner, _, marker = claim.partition(BATCH_SEPARATOR)
    return owner, marker or owner


@dataclass(frozen=True)
class Cursor:
    """Where a (watch, source) poll left off, and the health of that source for this watch."""

    watch_id: str
    source_id: str
    position: Mapping[str, Any] = field(default_factory=dict)
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_error_kind: str | None = None  # transient, permanent, credentials or budget
    items_fetched: int | None = None  # mentions the last successful poll returned


@dataclass(frozen=True)
class CounterKey:
    """One hourly counter cell: watch x source x sentiment."""

    watch_id: str
    hour: datetime
    source: str
    sentiment: str


@dataclass(frozen=True)
class PollJob:
    """A message on the poll queue: poll this source for this watch."""

    watch_id: str
    source: SourceRef
    planned_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "watch_id": self.watch_id,
            "source": self.source.to_dict(),
            "planned_at": self.planned_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PollJob:
        src = data["source"]
        return cls(
            watch_id=str(data["watch_id"]),
            source=SourceRef(kind=str(src["kind"]), target=str(src.get("target", ""))),
            planned_at=datetime.fromisoformat(str(data["planned_at"])),
        )


@dataclass(frozen=True)
class FetchResult:
    """What one poll of a source returned: mentions newer than the cursor, and the next cursor."""

    mentions: tuple[Mention, ...]
    cursor: Mapping[str, Any]
    not_modified: bool = False
