"""The composition root: builds the adapters once per process, from Settings.

Imports of pynamodb, boto3 and requests happen here, on first use, not when `app` is
imported: a cold start pays only for what the invoked function needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from chalicelib.settings import Settings, get_settings

if TYPE_CHECKING:
    from chalicelib.domain.pipeline import Pipeline
    from chalicelib.domain.ports import (
        AbandonedClaims,
        AlertSink,
        Analyser,
        Connector,
        CounterRepository,
        CursorRepository,
        JobQueue,
        MentionPublisher,
        MentionRepository,
        OpenDeliveryRepository,
        StoryRepository,
        WatchRepository,
    )
    from chalicelib.notify.email import EmailTopic
    from chalicelib.store.api_store import (
        DynamoApiKeyRepository,
        DynamoCellRepository,
        DynamoFeedRepository,
        DynamoTriageRepository,
    )


@dataclass(frozen=True)
class Services:
    settings: Settings
    watches: WatchRepository
    mentions: MentionRepository
    counters: CounterRepository
    cursors: CursorRepository
    publisher: MentionPublisher
    poll_queue: JobQueue
    ingest_queue: JobQueue
    api_keys: DynamoApiKeyRepository
    feed: DynamoFeedRepository
    triage: DynamoTriageRepository
    cells: DynamoCellRepository
    stories: StoryRepository
    email_topic: EmailTopic  # instant email alerts, published by the notifier only
    opened: OpenDeliveryRepository  # the keys each delivery is about to claim (domain/sweep.py)
    abandoned: AbandonedClaims  # the sweep's take-over of a dead delivery's claims

    def pipeline(self) -> Pipeline:
        """A pipeline over the watches as they are now (one Query)."""
        from chalicelib.domain.pipeline import Pipeline

        return Pipeline(
            watches=self.watches.list(),
            mentions=self.mentions,
            counters=self.counters,
            publisher=self.publisher,
            analyser=self.analyser(),
            stories=self.stories,
            opened=self.opened,
        )

    def analyser(self) -> Analyser:
        """Builtin language, sentiment and reach; Comprehend for other languages when the
        deployment switches it on (TIDINGS_SENTIMENT_BACKEND=comprehend)."""
        from chalicelib.analysis.analyser import BuiltinAnalyser

        fallback = None
        if self.settings.sentiment_backend == "comprehend":
            from chalicelib.aws.comprehend import ComprehendClient

            fallback = ComprehendClient()
        return BuiltinAnalyser(self.settings.influencer_reach, fallback, self.settings.languages)

    def connector(self, kind: str) -> Connector:
        from chalicelib.sources.registry import connector_for

        return connector_for(kind, self.settings)

    def alert_sinks(self) -> list[AlertSink]:
        """Sinks that see every alert unthrottled (the console); Slack goes through the
        rules and flood control of `chalicelib.notify.delivery`."""
        from chalicelib.notify.console import ConsoleSink

        sinks: list[AlertSink] = [ConsoleSink()]
        return sinks


@cache
def services() -> Services:
    from chalicelib.aws.alert_email import SnsEmailTopic
    from chalicelib.aws.sns import SnsMentionPublisher
    from chalicelib.aws.sqs import SqsJobQueue
    from chalicelib.store import api_store
    from chalicelib.store import repositories as repo
    from chalicelib.store.abandoned import DynamoAbandonedClaims
    from chalicelib.store.counters import DynamoCounterRepository
    from chalicelib.store.open_deliveries import DynamoOpenDeliveries
    from chalicelib.store.stories import DynamoStoryRepository
    from chalicelib.store.tables import bind

    settings = get_settings()
    bind(settings)
    return Services(
        settings=settings,
        watches=repo.DynamoWatchRepository(),
        mentions=repo.DynamoMentionRepository(timedelta(seconds=settings.claim_lease_s)),
        counters=DynamoCounterRepository(),
        cursors=repo.DynamoCursorRepository(),
        publisher=SnsMentionPublisher(settings.mentions_topic_arn),
        poll_queue=SqsJobQueue(settings.poll_queue_url),
        ingest_queue=SqsJobQueue(settings.ingest_queue_url),
        api_keys=api_store.DynamoApiKeyRepository(),
        feed=api_store.DynamoFeedRepository(),
        triage=api_store.DynamoTriageRepository(),
        cells=api_store.DynamoCellRepository(),
        stories=DynamoStoryRepository(),
        email_topic=SnsEmailTopic(settings.email_topic_arn),
        opened=DynamoOpenDeliveries(),
        abandoned=DynamoAbandonedClaims(),
    )


def reset() -> None:
    """Forget cached settings, clients and services (the local stack and tests rewire them)."""
    from chalicelib.aws import clients, secrets

    services.cache_clear()
    get_settings.cache_clear()
    clients.client.cache_clear()
    secrets.reset()
