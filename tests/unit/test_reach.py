"""Reach: one 0-100 scale across sources, and the influencers a company most needs to hear."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.analysis.reach import is_influencer, reach_score
from chalicelib.domain.models import Author, Mention, Watch
from chalicelib.domain.pipeline import Pipeline
from chalicelib.domain.serialise import watch_mention_from_dict, watch_mention_to_dict
from chalicelib.settings import get_settings
from tests.support.fakes import MemoryCounters, MemoryMentions, MemoryPublisher


def test_a_million_followers_on_x_equals_a_million_subscribers_on_youtube() -> None:
    assert reach_score("x", 1_000_000) == reach_score("youtube", 1_000_000)


def test_the_score_grows_with_the_audience_on_a_log_scale_from_0_to_100() -> None:
    scores = [reach_score("x", n) for n in (0, 100, 10_000, 1_000_000, 10_000_000, 10**9)]

    assert scores[0] == 0
    assert scores == sorted(scores)
    assert scores[-2] == scores[-1] == 100
    assert 40 < (scores[2] or 0) < 70  # 10k followers: a voice, not yet a megaphone


def test_karma_is_weighed_by_how_large_its_crowd_is() -> None:
    # 50k Hacker News karma is rarer than 50k X followers.
    assert (reach_score("hackernews", 50_000) or 0) > (reach_score("x", 50_000) or 0)


def test_no_audience_reported_means_no_score_and_no_influencer() -> None:
    assert reach_score("rss", None) is None
    assert not is_influencer(None, 70)


@pytest.mark.parametrize(("audience", "expected"), [(2_000_000, True), (5_000, False)])
def test_influencers_are_authors_at_or_above_the_threshold(audience: int, expected: bool) -> None:
    assert is_influencer(reach_score("x", audience), 70) is expected


def test_the_threshold_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environ, "TIDINGS_INFLUENCER_REACH", "40")
    get_settings.cache_clear()
    try:
        assert get_settings().influencer_reach == 40
        assert get_settings().sentiment_backend == "builtin"
    finally:
        get_settings.cache_clear()


def test_stored_mentions_carry_the_authors_reach_and_influencer_flag() -> None:
    mentions = MemoryMentions()
    pipeline = Pipeline(
        watches=[Watch(id="acme", name="Acme", query="Acme")],
        mentions=mentions,
        counters=MemoryCounters(),
        publisher=MemoryPublisher(),
        analyser=BuiltinAnalyser(influencer_reach=70),
    )
    when = datetime(2026, 11, 21, 9, tzinfo=UTC)
    star = Mention("x", "1", "", "Acme is great", when, author=Author("Star", reach=3_000_000))
    nobody = Mention("x", "2", "", "Acme is fine", when, author=Author("Nobody", reach=12))
    anonymous = Mention("rss", "3", "", "Acme is here", when)

    result = pipeline.process([star, nobody, anonymous], "d1")

    by_author = {i.mention.author.name: i for i in result.new}
    assert by_author["Star"].influencer
    assert (by_author["Star"].reach_score or 0) >= 90
    assert not by_author["Nobody"].influencer
    assert by_author[""].reach_score is None
    assert not by_author[""].influencer
    again = watch_mention_from_dict(watch_mention_to_dict(by_author["Star"]))
    assert (again.reach_score, again.influencer) == (by_author["Star"].reach_score, True)
