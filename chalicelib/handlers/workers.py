"""SQS workers. Each record succeeds or fails alone (Powertools partial batch responses), so one
bad job is retried without failing or repeating the others."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice.app import Blueprint

from chalicelib.domain.models import PollJob
from chalicelib.domain.pipeline import Pipeline, PipelineResult
from chalicelib.domain.polling import run_poll
from chalicelib.domain.serialise import mention_from_dict
from chalicelib.observability import logger, metrics
from chalicelib.services import services
from chalicelib.settings import get_settings

bp = Blueprint(__name__)

# A batch whose every record failed is reported the same way, not raised: Lambda retries just
# those records, and the local stack can drive the handler as Lambda does.
_processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _report(result: PipelineResult, source: str) -> None:
    metrics.add_metric(name="MentionsReceived", unit="Count", value=result.received)
    metrics.add_metric(name="MentionsStored", unit="Count", value=len(result.new))
    metrics.add_metric(name="DuplicatesDropped", unit="Count", value=result.duplicates)
    logger.info(
        "mentions processed",
        source=source,
        received=result.received,
        stored=len(result.new),
        duplicates=result.duplicates,
        unmatched=result.unmatched,
    )


def handle_poll_batch(event: dict[str, Any], context: Any = None) -> PartialItemFailureResponse:
    svc = services()
    pipeline = svc.pipeline()

    def poll_one(record: SQSRecord) -> None:
        job = PollJob.from_dict(json.loads(record.body))
        logger.append_keys(watch_id=job.watch_id, source=job.source.id)
        try:
            outcome = run_poll(
                job,
                delivery_id=record.message_id,
                watches=svc.watches,
                cursors=svc.cursors,
                connector=svc.connector(job.source.kind),
                pipeline=pipeline,
            )
        finally:
            logger.remove_keys(["watch_id", "source"])
        if outcome.error:
            logger.warning("source failed", source=job.source.id, error=outcome.error)
            metrics.add_metric(name="SourceFailures", unit="Count", value=1)
        elif outcome.result is not None:
            _report(outcome.result, job.source.kind)

    return process_partial_response(
        event=event, record_handler=poll_one, processor=_processor, context=context
    )


def handle_ingest_batch(event: dict[str, Any], context: Any = None) -> PartialItemFailureResponse:
    pipeline: Pipeline = services().pipeline()

    def ingest_one(record: SQSRecord) -> None:
        message = json.loads(record.body)
        mention = mention_from_dict(message["mention"])
        _report(pipeline.process([mention], delivery_id=record.message_id), mention.source)

    return process_partial_response(
        event=event, record_handler=ingest_one, processor=_processor, context=context
    )


_settings = get_settings()


@bp.on_sqs_message(queue=_settings.poll_queue_name, batch_size=10, name="poll_worker")
def poll_worker(event: Any) -> PartialItemFailureResponse:
    return handle_poll_batch(event.to_dict(), event.context)


@bp.on_sqs_message(queue=_settings.ingest_queue_name, batch_size=10, name="ingest_worker")
def ingest_worker(event: Any) -> PartialItemFailureResponse:
    return handle_ingest_batch(event.to_dict(), event.context)
