"""Stories: copies of one story are kept, but alerted and counted once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.domain.models import Author, Mention, Watch
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.serialise import watch_mention_from_dict, watch_mention_to_dict
from chalicelib.domain.stories import (
    NEAR_BITS,
    Fingerprint,
    StoryEntry,
    fingerprint,
    same_story,
    story_words,
)
from tests.support.fakes import MemoryCounters, MemoryMentions, MemoryPublisher, MemoryStories

WHEN = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
ARTICLE = (
    "Acme Cloud suffered a four hour outage on Tuesday after a faulty configuration change took "
    "down its European region, the company said in a statement. Customers reported failed "
    "logins and lost orders while engineers rolled back the change."
)
SYNDICATED = (
    "Acme Cloud suffered a four-hour outage on Tuesday after a faulty configuration change took "
    "down its European region, the company said in a statement. Customers reported failed "
    "logins and lost orders while engineers rolled back the change. Originally published at "
    "https://news.example.com/acme-outage. Read more at TechWire."
)
QUOTED = f'> "{ARTICLE}" Ouch.'
SAME_TOPIC = (
    "Acme Cloud announced a new European region on Tuesday, the company said in a statement. "
    "Customers can now store data in Frankfurt and engineers expect lower latency for orders "
    "and logins."
)
TWEET = "Acme Cloud is down again https://t.co/x1"


def test_a_syndicated_copy_with_another_footer_and_url_is_the_same_story() -> None:
    assert same_story(fingerprint("", ARTICLE), fingerprint("", SYNDICATED))


def test_a_retweet_is_an_exact_copy_of_the_tweet() -> None:
    original = fingerprint("", TWEET)
    retweet = fingerprint("", "RT @acme_fan: Acme Cloud is down again https://t.co/other")

    assert retweet.exact == original.exact
    assert story_words("RT @a: RT @b: Hi @c, see www.x.io!") == ["hi", "see"]


def test_a_quoted_copy_with_a_comment_is_the_same_story() -> None:
    assert same_story(fingerprint("", ARTICLE), fingerprint("", QUOTED))


def test_an_unrelated_text_on_the_same_topic_is_another_story() -> None:
    assert not same_story(fingerprint("", ARTICLE), fingerprint("", SAME_TOPIC))


def test_a_short_text_joins_only_as_a_repost_of_exactly_the_same_words() -> None:
    down = fingerprint("", "Acme Cloud is down")

    assert down.simhash is None
    assert same_story(down, fingerprint("", "RT @ana: acme cloud is DOWN!!"))
    assert not same_story(down, fingerprint("", "RT @ana: Acme Cloud is slow"))
    # the same few words from someone else are another voice, not a copy
    assert not same_story(down, fingerprint("", "acme cloud is DOWN!!"))


def test_the_near_duplicate_threshold_is_a_number_of_differing_bits() -> None:
    base = Fingerprint("a" * 16, 0)
    near = Fingerprint("b" * 16, (1 << NEAR_BITS) - 1)  # NEAR_BITS bits differ
    far = Fingerprint("c" * 16, (1 << (NEAR_BITS + 1)) - 1)

    assert same_story(base, near)
    assert not same_story(base, far)


def test_a_story_entry_survives_its_stored_form() -> None:
    entry = StoryEntry(fingerprint("", ARTICLE), "20261121T093000Z.abc")
    short = StoryEntry(fingerprint("", TWEET), "20261121T093000Z.def")

    assert StoryEntry.decode(entry.encode()) == entry
    assert StoryEntry.decode(short.encode()) == short


def mention(native_id: str, text: str, source: str = "rss", minutes: int = 0) -> Mention:
    return Mention(
        source=source,
        native_id=native_id,
        url=f"https://example.com/{native_id}",
        text=text,
        published_at=WHEN + timedelta(minutes=minutes),
        author=Author(name="Ana"),
        language="en",
    )


BRAND = Watch(id="acme", name="Acme", query='"Acme Cloud"')


class World:
    def __init__(self) -> None:
        self.counters = MemoryCounters()
        self.mentions = MemoryMentions(self.counters.finished)
        self.publisher = MemoryPublisher()
        self.stories = MemoryStories()
        self.now = WHEN + timedelta(hours=1)

    def pipeline(self, publisher: MemoryPublisher | None = None) -> Pipeline:
        return Pipeline(
            watches=[BRAND],
            mentions=self.mentions,
            counters=self.counters,
            publisher=publisher or self.publisher,
            analyser=BuiltinAnalyser(),
            clock=lambda: self.now,
            stories=self.stories,
        )

    def feed(self) -> list[tuple[str, str | None, bool]]:
        items, _ = self.mentions.feed("acme", 50)
        return [(i.mention.source, i.story_id, i.is_story_lead) for i in items]


def test_copies_from_later_deliveries_are_stored_but_alerted_and_counted_once() -> None:
    world = World()

    first = world.pipeline().process([mention("a", ARTICLE)], "d1")
    world.now += timedelta(hours=3)
    world.pipeline().process([mention("b", SYNDICATED, source="reddit", minutes=5)], "d2")
    world.pipeline().process([mention("c", QUOTED, source="mastodon", minutes=9)], "d3")

    lead = first.new[0].id
    assert sorted(world.feed()) == [
        ("mastodon", lead, False),
        ("reddit", lead, False),
        ("rss", lead, True),
    ]
    assert [p.id for p in world.publisher.published] == [lead]
    assert sum(world.counters.counts.values()) == 1


def test_a_copy_in_the_same_batch_as_its_lead_joins_its_story() -> None:
    world = World()

    result = world.pipeline().process(
        [mention("a", ARTICLE), mention("b", SYNDICATED, source="reddit"), mention("t", TWEET)],
        "d1",
    )

    assert len(result.new) == 3
    assert result.copies == 1
    lead = result.new[0].id
    assert result.new[1].story_id == lead
    assert [p.id for p in world.publisher.published] == [lead, result.new[2].id]
    assert sum(world.counters.counts.values()) == 2
    assert world.stories.writes == 1  # one item for the two stories the batch founded


def test_the_same_short_complaint_from_many_people_is_counted_each_time() -> None:
    world = World()
    complaints = [mention(f"u{n}", "Acme Cloud is down", source="x") for n in range(5)]
    retweet = mention("rt", "RT @u0: Acme Cloud is down", source="x", minutes=1)

    result = world.pipeline().process([*complaints, retweet], "d1")

    assert sum(world.counters.counts.values()) == 5
    assert result.copies == 1
    assert result.new[-1].story_id == result.new[0].id


def test_a_retried_delivery_founds_no_second_story_and_alerts_once() -> None:
    world = World()
    page = [mention("a", ARTICLE), mention("b", SYNDICATED, source="reddit")]

    failing = MemoryPublisher(fail_times=1)
    with pytest.raises(ConnectionError):
        world.pipeline(failing).process(page, "d1")
    retried = world.pipeline(failing).process(page, "d1")
    again = world.pipeline(failing).process(page, "d1")

    lead = retried.new[0].id
    assert [p.id for p in failing.published] == [lead]
    assert again.new == []
    assert sum(world.counters.counts.values()) == 1
    assert len(world.stories.recent("acme", WHEN)) == 1
    assert {s for _, s, _ in world.feed()} == {lead}


def test_a_copy_after_the_story_window_founds_a_new_story() -> None:
    world = World()

    world.pipeline().process([mention("a", ARTICLE)], "d1")
    world.now += timedelta(days=3)
    later = world.pipeline().process([mention("b", SYNDICATED, minutes=1)], "d2")

    assert later.new[0].is_story_lead
    assert len(world.publisher.published) == 2


def test_the_story_reaches_api_and_alert_json() -> None:
    world = World()
    result = world.pipeline().process(
        [mention("a", ARTICLE), mention("b", SYNDICATED, source="reddit")], "d1"
    )

    copy = watch_mention_to_dict(result.new[1])

    assert copy["story_id"] == result.new[0].id
    assert copy["is_story_lead"] is False
    assert watch_mention_from_dict(copy).story_id == result.new[0].id
    assert watch_mention_to_dict(result.new[0])["is_story_lead"] is True
