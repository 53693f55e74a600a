"""SQS workers. Each record succeeds or fails alone (Powertools partial batch responses), so one
bad job is retried without failing or repeating the others. An ingest batch's mentions are one
pipeline delivery (one count and one publish for up to ten webhook messages): an error fails
them all, a mention waiting for another delivery fails its own message only."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.domain.models import Mention, PollJob, new_attempt_id
from chalicelib.domain.pipeline import Pipeline, PipelineResult
from chalicelib.domain.polling import run_poll
from chalicelib.domain.ports import JobQueue
from chalicelib.domain.serialise import mention_from_dict
from chalicelib.errors import TransientError
from chalicelib.observability import count_for_source, logger, metrics
from chalicelib.services import services
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)


@cache
def _processor() -> Any:
    """Built on first use: Powertools' batch module (and asyncio) stay out of the API's cold
    start. A batch whose every record failed is reported the same way, not raised: Lambda
    retries just those records, and the local stack can drive the handler as Lambda does."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    return BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _process(
    event: dict[str, Any], handler: Callable[[SQSRecord], None], context: Any
) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import process_partial_response

    return process_partial_response(
        event=event, record_handler=handler, processor=_processor(), context=context
    )


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


def _postpone(queue: JobQueue, receipt_handle: str, seconds: float) -> None:
    """Best effort: if the queue cannot be told, the job simply comes back sooner."""
    try:
        queue.postpone(receipt_handle, seconds)
    except Exception:  # the failed poll must still be reported to the queue
        logger.warning("could not postpone the retry", seconds=seconds, exc_info=True)


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
        except TransientError as error:  # retried by the queue; counted for the per-source alarm
            count_for_source("SourceFailures", job.source.kind)
            if error.retry_after:
                _postpone(svc.poll_queue, record.receipt_handle, error.retry_after)
            raise
        finally:
            logger.remove_keys(["watch_id", "source"])
        if outcome.error:
            logger.warning("source failed", source=job.source.id, error=outcome.error)
            metrics.add_metric(name="SourceFailures", unit="Count", value=1)
            count_for_source("SourceFailures", job.source.kind)
        elif outcome.result is not None:
            _report(outcome.result, job.source.kind)
            count_for_source("SourceSuccesses", job.source.kind)

    return _process(event, poll_one, context)


# What an ingest message carries: a mention, a tombstone's "deleted" part, or why it is unreadable.
Carried = Mention | dict[str, Any] | Exception


def _carried(body: str) -> Mention | dict[str, Any]:
    """The mention an ingest message carries, or a tombstone's "deleted" part; raises if
    unreadable."""
    message = json.loads(body)
    if "deleted" in message:
        gone: dict[str, Any] = message["deleted"]
        return gone
    return mention_from_dict(message["mention"])


def _parsed(records: Sequence[dict[str, Any]]) -> dict[str, Carried]:
    """Each record's body, parsed once, by message id. An unreadable record keeps its error: it
    is left out of the batch's delivery and fails alone (`ingest_one`), so it never makes the
    others retry."""
    parsed: dict[str, Carried] = {}
    for record in records:
        message_id = str(record.get("messageId", ""))
        try:
            parsed[message_id] = _carried(str(record["body"]))
        except Exception as error:
            parsed[message_id] = error
    return parsed


def _readable_mentions(parsed: Mapping[str, Carried]) -> list[tuple[str, Mention]]:
    """(message id, mention) of the records that carry a readable one."""
    return [(message_id, c) for message_id, c in parsed.items() if isinstance(c, Mention)]


def _ingest(
    pipeline: Pipeline, messages: list[tuple[str, Mention]]
) -> tuple[dict[str, str], float]:
    """Run the batch's mentions as one delivery; the messages to retry, with why, and how long
    to keep them away. The batch id is new for every batch: a marker is never shared by two
    batches (repositories `_reclaim`)."""
    if not messages:
        return {}, 0.0
    try:
        result = pipeline.process_messages(messages, delivery_id=new_attempt_id())
    except Exception as error:  # nothing of the batch is known finished: all of it again
        logger.warning("ingest batch failed", messages=len(messages), exc_info=True)
        why = f"its batch failed: {type(error).__name__}"
        return dict.fromkeys((m for m, _ in messages), why), 0.0
    _report(result, ",".join(sorted({mention.source for _, mention in messages})))
    waiting = dict.fromkeys(result.waiting, "a mention waits for another delivery to finish")
    return waiting, result.retry_after


def handle_ingest_batch(event: dict[str, Any], context: Any = None) -> PartialItemFailureResponse:
    svc = services()
    pipeline: Pipeline = svc.pipeline()
    parsed = _parsed(event.get("Records", []))
    failed, wait = _ingest(pipeline, _readable_mentions(parsed))

    def ingest_one(record: SQSRecord) -> None:
        carried = parsed[record.message_id]
        if isinstance(carried, Exception):  # unreadable: fails alone, as it always did
            raise carried
        if not isinstance(carried, Mention):  # a platform's tombstone (YouTube WebSub)
            from chalicelib.store.tombstones import mark_deleted

            marked = mark_deleted(str(carried["source"]), str(carried["native_id"]))
            logger.info("mentions marked deleted", source=carried["source"], count=marked)
        elif record.message_id in failed:
            if wait:  # back when the claim it waits for may be taken over, not receives sooner
                _postpone(svc.ingest_queue, record.receipt_handle, wait)
            raise TransientError(failed[record.message_id])

    return _process(event, ingest_one, context)


_settings = get_settings()


@bp.on_sqs_message(queue=_settings.poll_queue_name, batch_size=10, name="poll_worker")
def poll_worker(event: Any) -> PartialItemFailureResponse:
    return handle_poll_batch(event.to_dict(), event.context)


@bp.on_sqs_message(queue=_settings.ingest_queue_name, batch_size=10, name="ingest_worker")
def ingest_worker(event: Any) -> PartialItemFailureResponse:
    return handle_ingest_batch(event.to_dict(), event.context)
