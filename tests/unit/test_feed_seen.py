"""A feed cursor's digests: fixed width, order kept, bounded whatever the feed."""

from __future__ import annotations

from chalicelib.sources import feed_seen


def test_recent_entries_are_all_kept_then_older_ones_up_to_the_budget() -> None:
    # Given 10 entries inside the tolerance and 200 remembered from earlier polls
    recent = [feed_seen.digest(f"https://blog.example/new/{n}") for n in range(10)]
    older = [feed_seen.digest(f"https://blog.example/old/{n}") for n in range(200)]

    # When the cursor's string is written and read back
    kept = feed_seen.load(feed_seen.dump(recent, recent[:3] + older, keep=64, most=1000))

    # Then the recent ones come first, then older ones to 64 in all, each once
    assert kept[:10] == recent
    assert kept[10:] == older[:54]


def test_a_huge_feed_is_capped_and_old_cursors_of_full_ids_still_read() -> None:
    # Given a feed with 5,000 entries inside the tolerance, and a cursor of full ids
    recent = [feed_seen.digest(str(n)) for n in range(5_000)]

    # When they are written and read
    written = feed_seen.dump(recent, [], keep=64, most=1000)
    legacy = feed_seen.load(["tag:blog.example,2026:post-1", "https://blog.example/2"])

    # Then at most 1,000 digests (8 KB) are kept, and full ids become digests
    assert len(written) == 1000 * feed_seen.WIDTH
    assert legacy == [
        feed_seen.digest("tag:blog.example,2026:post-1"),
        feed_seen.digest("https://blog.example/2"),
    ]
    assert all(len(d) == feed_seen.WIDTH for d in legacy)
