"""The pipeline on one core: mentions per CPU second through `Pipeline.process`, the code the
workers run, with 1,000 realistic watches (bench_match's generator) and in-memory repositories
instead of DynamoDB, SNS and the counters.

Each mention is normalised (HTML to plain text, UTC), its language detected, matched against the
compiled watch set, scored for sentiment and reach, fingerprinted and grouped into stories (one
book per watch and batch, as the worker does), and claimed under its dedupe key. One in ten is a
near-copy of an earlier one (a repost with another byline), so stories form. Batches of 25
mentions, an SQS batch or a poll page. Process time (other processes do not count), best of 3.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bench.bench_match import brands, mention, query_for
from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.domain.models import Author, Mention, Watch
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.stories import StoryEntry
from tests.support.fakes import MemoryCounters, MemoryMentions, MemoryPublisher

WATCHES = 1000
MENTIONS = 3000
BATCH = 25
ROUNDS = 3
COPY_SHARE = 0.1
SEED = 11
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class _Stories:
    """The story items by watch: the stand-in for one DynamoDB Query per watch and batch, whose
    cost is not CPU (the tests' MemoryStories sorts every item on each read)."""

    def __init__(self) -> None:
        self._by_watch: defaultdict[str, list[tuple[datetime, list[StoryEntry]]]] = defaultdict(
            list
        )

    def recent(self, watch_id: str, since: datetime) -> list[StoryEntry]:
        return [e for at, entries in self._by_watch[watch_id] if at >= since for e in entries]

    def record(
        self,
        watch_id: str,
        delivery_id: str,
        at: datetime,
        entries: Sequence[StoryEntry],
        expires_at: datetime,
    ) -> None:
        self._by_watch[watch_id].append((at, list(entries)))


def _mentions(names: list[str], rng: random.Random) -> list[Mention]:
    found: list[Mention] = []
    for i in range(MENTIONS):
        published = START + timedelta(seconds=7 * i)
        if found and rng.random() < COPY_SHARE:
            original = rng.choice(found)
            found.append(
                Mention(
                    source=original.source,
                    native_id=f"copy-{i}",
                    url=f"https://mirror{i % 7}.example.net/{i}",
                    text=f"<p>{original.text}</p><p>via @syndicate{i % 5}</p>",
                    title=original.title,
                    published_at=published,
                    author=Author(name="Syndication", handle=f"@syndicate{i % 5}"),
                    language=original.language,
                )
            )
            continue
        doc = mention(names, rng)
        found.append(
            Mention(
                source=doc.source,
                native_id=f"m-{i}",
                url=doc.url,
                text=f"<p>{doc.text}</p>",
                title=doc.title,
                published_at=published,
                author=Author(name=doc.author_name, handle=doc.author_handle, reach=i % 5000),
                language=doc.language,
            )
        )
    return found


def _round(watches: list[Watch], mentions: list[Mention]) -> tuple[float, int, int]:
    """CPU seconds for every mention through a fresh pipeline; new and story-copy counts."""
    pipeline = Pipeline(
        watches=watches,
        mentions=MemoryMentions(),
        counters=MemoryCounters(),
        publisher=MemoryPublisher(),
        analyser=BuiltinAnalyser(),
        clock=lambda: START + timedelta(hours=6),
        stories=_Stories(),
    )
    new = copies = 0
    start = time.process_time()
    for offset in range(0, len(mentions), BATCH):
        result = pipeline.process(mentions[offset : offset + BATCH], f"batch-{offset}")
        new += len(result.new)
        copies += result.copies
    return time.process_time() - start, new, copies


def run() -> dict[str, float]:
    rng = random.Random(SEED)
    names = brands(WATCHES, rng)
    watches = [
        Watch(id=f"w{i}", name=name, query=query_for(name, rng)) for i, name in enumerate(names)
    ]
    mentions = _mentions(names, rng)
    _round(watches, mentions[:300])  # warm: lazily loaded analysis data, the word cache
    best, new, copies = min(_round(watches, mentions) for _ in range(ROUNDS))
    return {
        "pipeline_per_s": len(mentions) / best,
        "pipeline_cpu_ms_per_mention": 1000 * best / len(mentions),
        "pipeline_watch_items_per_mention": new / len(mentions),
        "pipeline_story_copies_share": copies / max(new, 1),
    }
