"""Deterministic keys and the values that travel on queues."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.domain.keys import mention_key
from chalicelib.domain.models import Mention, PollJob, SourceRef, WatchMention

WHEN = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
FEED = "https://blog.example/feed.xml"


def stored(native_id: str, published_at: datetime, source: str = "rss") -> WatchMention:
    return WatchMention(
        watch_id="acme",
        mention=Mention(
            source=source,
            native_id=native_id,
            url=f"https://example.com/{native_id}",
            text="Acme",
            published_at=published_at,
        ),
        language="en",
        sentiment="unscored",
        sentiment_score=None,
        matched_terms=("Acme",),
    )


# mention_key


def test_the_mention_key_is_the_same_every_time_for_the_same_post() -> None:
    assert mention_key("hackernews", "18463371") == mention_key("hackernews", "18463371")


def test_the_mention_key_is_a_fixed_length_lowercase_token() -> None:
    key = mention_key("hackernews", "18463371")

    assert len(key) == 20
    assert key.isalnum()
    assert key == key.lower()


def test_the_same_id_on_two_sources_gets_two_keys() -> None:
    assert mention_key("hackernews", "42") != mention_key("rss", "42")


def test_two_ids_on_one_source_get_two_keys() -> None:
    assert mention_key("rss", "42") != mention_key("rss", "43")


def test_source_and_id_cannot_be_shifted_into_each_other() -> None:
    # "ab" + "c" and "a" + "bc" are different posts
    assert mention_key("ab", "c") != mention_key("a", "bc")


def test_a_mention_key_ignores_everything_but_source_and_id() -> None:
    # Given the same post fetched twice, once edited and an hour later
    first = stored("p1", WHEN).mention
    again = Mention(
        source="rss",
        native_id="p1",
        url="https://example.com/elsewhere",
        text="Edited",
        published_at=WHEN + timedelta(hours=1),
    )

    # Then both carry the same key
    assert first.key == again.key == mention_key("rss", "p1")


# WatchMention.id


def test_a_later_mention_has_a_greater_id_so_a_descending_feed_reads_newest_first() -> None:
    # Given two mentions an hour apart, the later one with the "smaller" key
    earlier = stored("zzz", WHEN)
    later = stored("aaa", WHEN + timedelta(hours=1))

    # Then the later id sorts after the earlier one, as plain strings
    assert later.id > earlier.id
    assert sorted([later.id, earlier.id], reverse=True) == [later.id, earlier.id]


def test_ids_sort_by_instant_whatever_the_time_zone_they_were_given_in() -> None:
    # Given 10:30 in Paris (09:30 UTC) and 10:00 UTC
    paris = stored("a", datetime(2026, 11, 21, 10, 30, tzinfo=timezone(timedelta(hours=1))))
    utc = stored("b", datetime(2026, 11, 21, 10, 0, tzinfo=UTC))

    # Then the UTC one is the later, and its id is greater
    assert utc.id > paris.id
    assert paris.id.startswith("20261121T093000Z.")


def test_the_id_is_the_utc_time_then_the_key() -> None:
    item = stored("p1", WHEN)

    assert item.id == f"20261121T090000Z.{mention_key('rss', 'p1')}"


def test_a_month_of_mentions_sorts_by_time() -> None:
    # Given mentions across days, months and years (no lexical trap such as 9 vs 10)
    moments = [
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 9, 1, 0, 0, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 1, 0, 0, tzinfo=UTC),
    ]
    items = [stored(f"m{i}", m) for i, m in enumerate(moments)]

    newest_first = sorted(items, key=lambda i: i.id, reverse=True)

    assert [i.mention.published_at for i in newest_first] == sorted(moments, reverse=True)


# PollJob


@pytest.mark.parametrize(
    "source", [SourceRef("hackernews"), SourceRef("rss", FEED)], ids=["kind-only", "with-target"]
)
def test_a_poll_job_survives_the_queue_unchanged(source: SourceRef) -> None:
    # Given a poll job
    job = PollJob(watch_id="acme", source=source, planned_at=WHEN)

    # When it goes through the queue as JSON and back
    received = PollJob.from_dict(json.loads(json.dumps(job.to_dict())))

    # Then it is the same job
    assert received == job
    assert received.source.id == job.source.id


def test_a_poll_job_is_plain_json() -> None:
    job = PollJob(watch_id="acme", source=SourceRef("rss", FEED), planned_at=WHEN)

    assert job.to_dict() == {
        "watch_id": "acme",
        "source": {"kind": "rss", "target": FEED},
        "planned_at": "2026-11-21T09:00:00+00:00",
    }


# SourceRef


def test_a_source_without_a_target_is_named_by_its_kind() -> None:
    assert SourceRef("hackernews").id == "hackernews"


def test_a_source_id_is_stable() -> None:
    assert SourceRef("rss", FEED).id == SourceRef("rss", FEED).id


def test_a_source_id_differs_per_target() -> None:
    ids = {SourceRef("rss", FEED).id, SourceRef("rss", FEED + "?page=2").id, SourceRef("rss").id}

    assert len(ids) == 3
    assert all(i.startswith("rss") for i in ids)


def test_a_source_id_does_not_expose_the_target_url() -> None:
    ref = SourceRef("rss", "https://user:token@blog.example/feed.xml")

    assert "token" not in ref.id
    assert ref.id.startswith("rss:")
