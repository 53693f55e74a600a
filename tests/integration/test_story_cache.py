"""Two workers, each with its own story cache, on DynamoDB Local: each sees the stories the
other founded, including a batch the other wrote after this one last looked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.stories import STORY_WINDOW, StoryBook
from chalicelib.domain.stories import fingerprint as print_of
from chalicelib.local.stack import LocalStack
from chalicelib.store.stories import DynamoStoryRepository, fetch_batches
from chalicelib.store.story_cache import REFRESH_MARGIN, WRITE_BOUND, StoryCache, moment

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
ARTICLE = (
    "Acme Cloud suffered a four hour outage on Tuesday after a faulty configuration change took "
    "down its European region, the company said in a statement."
)
OTHER = (
    "Globex shipped its quarterly report a week early and its shares rose by a tenth in morning "
    "trading, analysts at two banks wrote to their clients."
)


def deliver(repo: DynamoStoryRepository, delivery: str, now: datetime, text: str, id_: str) -> str:
    """One delivery of one mention as the pipeline does it: look up, join or found, record."""
    book = StoryBook(known=repo.recent("acme", now - STORY_WINDOW))
    story = book.story_of(print_of("", text), id_)
    if book.founded:
        repo.record("acme", delivery, now, book.founded, now + STORY_WINDOW)
    return story


def test_two_workers_join_the_stories_the_other_founded(stack: LocalStack) -> None:
    one = DynamoStoryRepository(StoryCache(fetch_batches))
    two = DynamoStoryRepository(StoryCache(fetch_batches))
    # Given both workers have looked at the watch (their caches are warm)
    assert deliver(one, "d0", T0, "Acme is down", "m0") == "m0"
    assert deliver(two, "d1", T0 + timedelta(seconds=1), "Acme is down too", "m1") == "m1"

    # When worker one founds a story, worker two gets a syndicated copy
    assert deliver(one, "d2", T0 + timedelta(seconds=10), ARTICLE, "wire") == "wire"
    copy = ARTICLE.replace("four hour", "four-hour") + " https://techwire.example/acme"
    assert deliver(two, "d3", T0 + timedelta(seconds=20), copy, "blog") == "wire"

    # And worker two dates a new story just before writing it, but the write lands only after
    # worker one's next look
    writing = T0 + timedelta(seconds=25)
    book = StoryBook(known=two.recent("acme", writing - STORY_WINDOW))
    assert book.story_of(print_of("", OTHER), "globex") == "globex"
    assert deliver(one, "d4", T0 + timedelta(seconds=30), "Acme status?", "m4") == "m4"
    two.record("acme", "late", writing, book.founded, writing + STORY_WINDOW)

    # Then worker one finds that story, dated before its last look, when it looks again
    quoted = f'> "{OTHER}" Good for them.'
    assert deliver(one, "d5", T0 + timedelta(minutes=3), quoted, "quote") == "globex"


def test_a_write_that_lands_late_is_dated_again(stack: LocalStack) -> None:
    # Given a story write that takes 25 seconds to land (beyond WRITE_BOUND), then one that does not
    ticks = iter([0.0, 25.0, 26.0])
    repo = DynamoStoryRepository(StoryCache(fetch_batches), monotonic=lambda: next(ticks))
    founded = StoryBook()
    founded.story_of(print_of("", ARTICLE), "wire")

    # When the stories are recorded
    repo.record("acme", "slow", T0, founded.founded, T0 + STORY_WINDOW)

    # Then the item is there under its first moment and again under one 25 seconds later, so a
    # process that looked while it was landing finds it within its re-read margin
    batches = [batch for batch, _ in fetch_batches("acme", moment(T0))]
    assert batches == [f"{moment(T0)}#slow#0", f"{moment(T0 + timedelta(seconds=25))}#slow#0"]
    assert WRITE_BOUND < timedelta(seconds=25) < REFRESH_MARGIN
