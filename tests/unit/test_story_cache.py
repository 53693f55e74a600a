"""The per-process story cache: a delivery reads only the story items written since this process
last looked (less a margin), and still sees a batch a slow concurrent delivery wrote late."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from chalicelib.domain.stories import STORY_WINDOW, StoryBook, StoryEntry, fingerprint
from chalicelib.store.story_cache import REFRESH_MARGIN, StoryCache, moment

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def entry(n: int) -> StoryEntry:
    return StoryEntry(fingerprint("", f"story number {n} about the Acme outage"), f"m{n}")


class Table:
    """The stories table in memory: (watch, batch key) -> encoded entries; counts what is read."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], list[str]] = {}
        self.items_read = 0

    def write(self, watch_id: str, at: datetime, delivery: str, *entries: StoryEntry) -> str:
        batch = f"{moment(at)}#{delivery}#0"
        self.items[(watch_id, batch)] = [e.encode() for e in entries]
        return batch

    def fetch(self, watch_id: str, from_batch: str) -> list[tuple[str, list[str]]]:
        found = [
            (batch, entries)
            for (watch, batch), entries in sorted(self.items.items())
            if watch == watch_id and batch >= from_batch
        ]
        self.items_read += len(found)
        return found


def test_a_second_look_reads_only_the_items_written_since_less_the_margin() -> None:
    table = Table()
    cache = StoryCache(table.fetch)
    # Given a watch with 50 stories founded over the last hours, read once
    for n in range(50):
        table.write("acme", T0 - timedelta(hours=5) + timedelta(minutes=5 * n), f"d{n}", entry(n))
    assert len(cache.recent("acme", T0)) == 50
    table.items_read = 0

    # When one more story is founded and the watch is looked up a minute later
    table.write("acme", T0 + timedelta(seconds=30), "d50", entry(50))
    found = cache.recent("acme", T0 + timedelta(minutes=1))

    # Then all 51 are known, but only the items of the margin before the last look were read
    assert [e.story_id for e in found] == [f"m{n}" for n in range(51)]
    in_margin = sum(1 for _, b in table.items if b >= moment(T0 - REFRESH_MARGIN))
    assert table.items_read == in_margin
    assert in_margin < 10


def test_a_batch_that_lands_after_a_look_but_dated_before_it_is_still_found() -> None:
    table = Table()
    cache = StoryCache(table.fetch)
    table.write("acme", T0 - timedelta(hours=1), "d1", entry(1))
    # Given this process looked at 09:00 while another delivery's write, dated 08:59:45 (its
    # clock just before writing), was still landing
    assert len(cache.recent("acme", T0)) == 1

    # When that write lands
    table.write("acme", T0 - timedelta(seconds=15), "late", entry(2))

    # Then the next look finds it
    assert [e.story_id for e in cache.recent("acme", T0 + timedelta(seconds=20))] == ["m1", "m2"]


def test_known_items_are_not_repeated_and_own_writes_are_known_without_a_read() -> None:
    table = Table()
    cache = StoryCache(table.fetch)
    cache.recent("acme", T0)
    # Given stories this process stored itself and remembered
    own = [entry(1), entry(2)]
    batch = table.write("acme", T0, "mine", *own)
    cache.remember("acme", batch, own)

    # When the watch is looked up again (the item is in the re-read margin)
    found = cache.recent("acme", T0 + timedelta(seconds=5))

    # Then each story is there once
    assert found == own


def test_stories_older_than_the_window_are_dropped() -> None:
    table = Table()
    cache = StoryCache(table.fetch)
    table.write("acme", T0, "d1", entry(1))
    assert len(cache.recent("acme", T0 + timedelta(hours=1))) == 1

    # When the window has moved past the story's batch
    found = cache.recent("acme", T0 + STORY_WINDOW + timedelta(seconds=1))

    # Then it is no longer a story to join
    assert found == []


def test_only_the_most_recently_used_watches_are_kept() -> None:
    table = Table()
    cache = StoryCache(table.fetch, max_watches=2)
    for watch in ("a", "b", "c"):
        table.write(watch, T0 - timedelta(hours=3), "d", entry(1))
        cache.recent(watch, T0)
    table.items_read = 0

    # When the two recent watches and the evicted one are looked up again
    cache.recent("c", T0)
    cache.recent("a", T0)

    # Then only the evicted watch was read in full (its item is outside the margin)
    assert table.items_read == 1


def test_a_lookup_back_in_time_reads_the_whole_window_again() -> None:
    table = Table()
    cache = StoryCache(table.fetch)
    table.write("acme", T0 - timedelta(hours=30), "old", entry(1))
    assert cache.recent("acme", T0 + timedelta(hours=20)) == []

    # When asked about a moment whose window reaches the batch dropped since
    found = cache.recent("acme", T0)

    # Then the batch is read again
    assert [e.story_id for e in found] == ["m1"]


def test_the_returned_list_is_the_callers_to_extend() -> None:
    table = Table()
    cache = StoryCache(table.fetch)
    table.write("acme", T0, "d1", entry(1))
    book = StoryBook(known=cache.recent("acme", T0))

    # When a batch founds a story in its book but does not store it (the delivery failed)
    book.story_of(entry(2).fingerprint, "m2")

    # Then the cache does not know it
    assert [e.story_id for e in cache.recent("acme", T0)] == ["m1"]


def test_a_book_of_thousands_of_stories_finds_exact_and_near_copies() -> None:
    vocabulary = [f"w{n}" for n in range(2000)]
    texts = [" ".join(random.Random(n).choices(vocabulary, k=30)) for n in range(2000)]
    book = StoryBook(known=[StoryEntry(fingerprint("", t), f"m{n}") for n, t in enumerate(texts)])

    # A copy with a footer and a link joins by SimHash; a repost of a short text by its exact key
    syndicated = fingerprint("", f"{texts[1234]} https://example.com/x Read more")
    assert book.story_of(syndicated, "copy") == "m1234"
    assert book.story_of(fingerprint("", "Acme is down"), "short") == "short"
    assert book.story_of(fingerprint("", "RT @a: Acme is down"), "repost") == "short"
    # And a new text founds a story of its own
    assert book.story_of(fingerprint("", " ".join(vocabulary[:30])), "new") == "new"
    assert [e.story_id for e in book.founded] == ["short", "new"]
