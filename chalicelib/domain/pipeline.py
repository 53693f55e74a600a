"""One mention's way from a source to an alert: normalise, match, analyse, store, count, publish.

At-least-once in, exactly-once effect: the conditional write of a mention is the one place that
decides "new". Only what a delivery claims is published and counted. The counts are written in
one transaction with the record that the delivery finished, so a retry of a delivery that failed
half-way publishes what it had claimed and counts it once; one that finished does nothing.
A webhook worker's SQS batch, and each attempt at a poll job, is one delivery: each mention is
claimed under its own message and the attempt (models.batch_claim), so one marker ends them
all, and a message that comes back in another attempt recognises its claim and moves it there
(store/repositories.py `_reclaim`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.alerts.rules import evaluate
from chalicelib.domain.matching import Document, WatchMatcher
from chalicelib.domain.models import (
    Claim,
    CounterKey,
    Mention,
    Watch,
    WatchMention,
    batch_claim,
    new_attempt_id,
)
from chalicelib.domain.ports import (
    Analyser,
    CounterRepository,
    MentionPublisher,
    MentionRepository,
    OpenDeliveryRepository,
    StoryRepository,
)
from chalicelib.domain.stories import STORY_WINDOW, Fingerprint, StoryBook, fingerprint
from chalicelib.domain.text import plain_text
from chalicelib.errors import TransientError

COUNTER_RETENTION = timedelta(days=800)


@dataclass
class PipelineResult:
    received: int = 0
    unmatched: int = 0
    duplicates: int = 0
    copies: int = 0  # new mentions that joined a story another mention founded (not alerted)
    new: list[WatchMention] = field(default_factory=list)
    # messages whose mentions wait for another delivery: the only ones to be retried
    waiting: set[str] = field(default_factory=set)
    # seconds until the longest wait can end (that delivery's claim may be taken over): a
    # retry sooner only spends one of the message's receives
    retry_after: float = 0.0


def normalise(mention: Mention) -> Mention:
    """Plain text, UTC time, trimmed fields: every later step sees one shape."""
    published = mention.published_at
    published = published.replace(tzinfo=UTC) if published.tzinfo is None else published
    return replace(
        mention,
        text=plain_text(mention.text),
        title=plain_text(mention.title),
        url=mention.url.strip(),
        published_at=published.astimezone(UTC),
    )


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class Pipeline:
    def __init__(
        self,
        *,
        watches: Sequence[Watch],
        mentions: MentionRepository,
        counters: CounterRepository,
        publisher: MentionPublisher,
        analyser: Analyser,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        stories: StoryRepository | None = None,
        new_id: Callable[[], str] = new_attempt_id,
        opened: OpenDeliveryRepository | None = None,
    ) -> None:
        self._watches = {w.id: w for w in watches if w.enabled}
        self._matcher = WatchMatcher(self._watches.values())
        self._mentions = mentions
        self._counters = counters
        self._publisher = publisher
        self._analyser = analyser
        self._clock = clock
        self._stories = stories
        self._new_id = new_id
        self._opened = opened  # the open records the sweep reads (domain/sweep.py)

    def _with_rules(self, item: WatchMention) -> WatchMention:
        """The item with the names of its watch's alert rules it fires (SNS attribute `rules`)."""
        return replace(item, alert_rules=evaluate(self._watches[item.watch_id].alerts, item).rules)

    def process(self, mentions: Iterable[Mention], delivery_id: str) -> PipelineResult:
        """One attempt at a poll job (`delivery_id`: its SQS message id). Each attempt claims
        under `<message id>@<attempt>` and ends with a marker of its own, as a webhook batch
        does: SQS may hand the job to two workers at once, and the later one may fetch more;
        were they one id, the second's count would meet the first's marker and be dropped.
        A retry recognises the job's earlier claims and takes them over (store `_reclaim`)."""
        result = self.process_messages(((delivery_id, m) for m in mentions), self._new_id())
        if result.waiting:
            # Done with its own: retried later, this delivery must not be acknowledged (nor a
            # poll's cursor moved) past a mention whose delivery may have died before counting it.
            raise TransientError(
                "mentions wait for another delivery to finish",
                retry_after=result.retry_after or None,
            )
        return result

    def process_messages(
        self, messages: Iterable[tuple[str, Mention]], delivery_id: str
    ) -> PipelineResult:
        """One delivery of (message id, mention) pairs: a webhook worker's SQS batch, so one
        marker, one stories item per watch and one publish serve them all. It finishes before
        it returns; the messages in `waiting` alone must be retried. An error: retry them all."""
        result = PipelineResult()
        now = self._clock()
        outcomes: dict[Claim, list[WatchMention]] = {claim: [] for claim in Claim}
        books: dict[str, StoryBook] = {}
        seen: set[tuple[str, str]] = set()  # one claim per mention and watch in a delivery
        to_claim: list[tuple[str, WatchMention, datetime]] = []  # message, item, expires at
        for message_id, raw in messages:
            result.received += 1
            mention = normalise(raw)
            language = self._analyser.language(mention)
            matches = self._matcher.match(Document.of(mention, language))
            if not matches:
                result.unmatched += 1
                continue
            body = f"{mention.title}\n{mention.text}".strip()
            sentiment, score = self._analyser.sentiment(body, language)
            reach_score, influencer = self._analyser.reach(mention)
            story_print = fingerprint(mention.title, mention.text)
            for match in matches:
                item = WatchMention(
                    watch_id=match.watch_id,
                    mention=mention,
                    language=language,
                    sentiment=sentiment,
                    sentiment_score=score,
                    matched_terms=match.terms,
                    reach_score=reach_score,
                    influencer=influencer,
                )
                if (item.watch_id, item.id) in seen:  # a copy of a message, or a page's repeat
                    result.duplicates += 1
                    continue
                seen.add((item.watch_id, item.id))
                item = self._join_story(item, story_print, books, now)
                retention = timedelta(days=self._watches[match.watch_id].retention_days)
                to_claim.append((message_id, item, mention.published_at + retention))
        if to_claim and self._opened is not None:
            # One write before the first claim: were this delivery to die, the sweep finds them.
            self._opened.open(delivery_id, [(i.watch_id, i.id) for _, i, _ in to_claim], now)
        for message_id, item, expires_at in to_claim:
            taken = self._mentions.claim(item, batch_claim(message_id, delivery_id), expires_at)
            outcomes[taken.outcome].append(taken.item)
            if taken.outcome is Claim.PENDING:
                result.waiting.add(message_id)
                result.retry_after = max(result.retry_after, taken.retry_in)
        # Dated as written, not as begun: other processes re-read a minute back (story_cache.py).
        self._record_stories(books, delivery_id, self._clock())
        claimed, retried = outcomes[Claim.NEW], outcomes[Claim.RETRY]
        result.duplicates += len(outcomes[Claim.DUPLICATE])
        if retried:
            # Stored by an earlier attempt of this very delivery: fan out unless it finished.
            if self._counters.delivery_finished(delivery_id):
                result.duplicates += len(retried)
            else:
                claimed.extend(retried)
        self._finish(claimed, delivery_id, now, result)
        return result

    def resume(self, taken: Sequence[WatchMention], delivery_id: str) -> PipelineResult:
        """Finish mentions, as stored, whose claims `delivery_id` took over from a delivery that
        died (the sweep, domain/sweep.py): counted and published as this delivery's own."""
        result = PipelineResult(received=len(taken))
        self._finish(list(taken), delivery_id, self._clock(), result)
        return result

    def _finish(
        self, claimed: list[WatchMention], delivery_id: str, now: datetime, result: PipelineResult
    ) -> None:
        """Publish and count what the delivery claimed; its counts end it (its marker)."""
        if claimed:
            # A story is alerted and counted once, through its lead; its copies are only stored.
            leads = [i for i in claimed if i.is_story_lead]
            result.copies = len(claimed) - len(leads)
            counts = Counter(
                CounterKey(
                    i.watch_id, hour_of(i.mention.published_at), i.mention.source, i.sentiment
                )
                for i in leads
            )
            # A watch disabled since (a resumed delivery's) is counted, no longer alerted.
            alerts = [self._with_rules(i) for i in leads if i.watch_id in self._watches]
            if alerts:
                self._publisher.publish(alerts)
            # Authors' day cells are counted as each lead is stored (store/authors.py).
            self._counters.add(counts, now + COUNTER_RETENTION, delivery_id)
        result.new = claimed

    def _join_story(
        self,
        item: WatchMention,
        story_print: Fingerprint,
        books: dict[str, StoryBook],
        now: datetime,
    ) -> WatchMention:
        """Tag the mention with its story: the watch's recent stories are read once per batch,
        and stories founded earlier in the batch count too."""
        if self._stories is None:
            return replace(item, story_id=item.id)
        book = books.get(item.watch_id)
        if book is None:
            book = books[item.watch_id] = StoryBook(
                known=self._stories.recent(item.watch_id, now - STORY_WINDOW)
            )
        story_id = book.story_of(story_print, item.id)
        return replace(item, story_id=story_id, is_story_lead=story_id == item.id)

    def _record_stories(self, books: dict[str, StoryBook], delivery_id: str, now: datetime) -> None:
        """One write per watch and batch for the stories it founded; a retry finds them again
        and founds nothing new."""
        if self._stories is None:
            return
        for watch_id, book in books.items():
            if book.founded:
                self._stories.record(
                    watch_id, delivery_id, now, book.founded, now + STORY_WINDOW + timedelta(days=1)
                )
