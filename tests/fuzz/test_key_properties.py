"""Dedupe keys: the same post gets the same key whichever way and however often it arrives,
different posts get different keys, and story fingerprints ignore the noise copies differ by."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from chalicelib.domain.keys import mention_key, short_hash
from chalicelib.domain.models import Mention, mention_id
from chalicelib.domain.stories import fingerprint, same_story, story_words
from chalicelib.webhooks.generic import SOURCE_NAME

pytestmark = pytest.mark.fuzz

sources = st.from_regex(SOURCE_NAME, fullmatch=True)
native_ids = st.text(min_size=1, max_size=60)
words = st.lists(st.from_regex(r"[a-zA-Z0-9]{1,10}", fullmatch=True), min_size=1, max_size=30)


@given(sources, native_ids)
@example("x", "\ud800")  # a lone surrogate, as json.loads returns for "\ud800"
def test_a_mention_key_is_deterministic_and_url_safe(source: str, native_id: str) -> None:
    key = mention_key(source, native_id)
    assert key == mention_key(source, native_id)
    assert len(key) == 20
    assert key.isalnum()
    assert key == key.lower()


@given(sources, native_ids, sources, native_ids)
def test_distinct_posts_get_distinct_keys(s1: str, n1: str, s2: str, n2: str) -> None:
    assert (mention_key(s1, n1) == mention_key(s2, n2)) == ((s1, n1) == (s2, n2))


@given(st.text(max_size=40), st.text(max_size=40))
def test_short_hashes_differ_when_values_do(a: str, b: str) -> None:
    assert (short_hash(a) == short_hash(b)) == (a == b)


@given(
    st.datetimes(timezones=st.just(UTC)),
    st.integers(-12 * 60, 14 * 60),
    sources,
    native_ids,
)
def test_the_mention_id_is_the_same_in_any_time_zone(
    moment: datetime, offset_min: int, source: str, native_id: str
) -> None:
    # Given one post delivered with its time in UTC and in another zone
    zone = timezone(timedelta(minutes=offset_min))
    key = mention_key(source, native_id)
    try:
        shifted = moment.astimezone(zone)
    except OverflowError:
        shifted = None  # beyond year 1..9999 in that zone: no platform sends it
    assume(shifted is not None)
    assert shifted is not None
    # Then its id, which sorts the feed, is the same
    assert mention_id(moment, key) == mention_id(shifted, key)
    assert mention_id(moment, key).endswith("." + key)


def _mention(source: str, native_id: str, text: str) -> Mention:
    return Mention(source, native_id, "", text, datetime(2026, 11, 21, tzinfo=UTC))


@given(sources, native_ids, st.text(max_size=30), st.text(max_size=30))
def test_a_redelivery_with_other_text_keeps_its_key(
    source: str, native_id: str, first: str, second: str
) -> None:
    assert _mention(source, native_id, first).key == _mention(source, native_id, second).key


noise = st.sampled_from(
    (
        "https://example.com/a?utm_source=x",
        "www.example.org/b",
        "@someone",
        "@user@mastodon.social",
        "!",
        "...",
        "“",
        "”",
        ">",
        "—",
    )
)


@given(words, st.lists(noise, max_size=5), st.integers(0, 100), st.booleans())
def test_a_story_fingerprint_ignores_links_handles_case_and_punctuation(
    body: list[str], extra: list[str], seed: int, repost: bool
) -> None:
    # Given a post and a copy with links, handles, punctuation and case changed
    original = " ".join(body)
    noisy = list(body)
    for i, item in enumerate(extra):
        noisy.insert((seed + i * 7) % (len(noisy) + 1), item)
    copy = " ".join(w.upper() if (seed + i) % 2 else w for i, w in enumerate(noisy))
    if repost:
        copy = "RT @someone: " + copy
    # Then both have the same words, the same exact key, and the copy joins the story
    assert story_words(copy) == story_words(original)
    a, b = fingerprint("", original), fingerprint("", copy)
    assert a.exact == b.exact
    assert a.simhash == b.simhash
    assert same_story(a, b) == b.joins_exact
    assert fingerprint("", original) == a  # deterministic


@given(words, words)
def test_different_words_make_different_exact_keys(a: list[str], b: list[str]) -> None:
    same_words = [w.lower() for w in a] == [w.lower() for w in b]
    assert (fingerprint("", " ".join(a)).exact == fingerprint("", " ".join(b)).exact) == same_words


@given(st.text(max_size=200), st.text(max_size=200))
def test_a_fingerprint_never_fails_and_round_trips(title: str, text: str) -> None:
    print_ = fingerprint(title, text)
    assert type(print_).decode(print_.encode()) == type(print_)(print_.exact, print_.simhash)
