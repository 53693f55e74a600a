"""Reach: how far an author's voice carries, 0-100, comparable across sources.

Each source reports its own kind of audience (followers on X, Mastodon and Bluesky, subscribers
on YouTube, karma on Reddit and Hacker News, reputation on Stack Exchange). Audiences grow by
orders of magnitude, so the score is logarithmic: 100 at the audience that makes an author one
of the loudest voices of that source (its `ceiling`), 0 at none. A 1M-follower X account and a
1M-subscriber YouTube channel score the same; 100k karma on Hacker News, which is a far smaller
crowd, scores like 10M followers.
"""

from __future__ import annotations

import math

from chalicelib.domain.models import Mention

DEFAULT_CEILING = 10_000_000
# The audience that scores 100, per source (what the source counts in Author.reach).
CEILINGS: dict[str, int] = {
    "x": 10_000_000,  # followers
    "youtube": 10_000_000,  # channel subscribers
    "instagram": 10_000_000,  # followers
    "tiktok": 10_000_000,  # followers
    "facebook": 10_000_000,  # page followers
    "bluesky": 1_000_000,  # followers: a smaller network
    "mastodon": 1_000_000,  # followers
    "reddit": 1_000_000,  # karma
    "hackernews": 100_000,  # karma
    "stackexchange": 1_000_000,  # reputation
    "github": 100_000,  # followers
}


def reach_score(source: str, audience: int | None) -> float | None:
    """0-100 on a log scale per source; None when the source reports no audience."""
    if audience is None or audience < 0:
        return None
    ceiling = CEILINGS.get(source, DEFAULT_CEILING)
    score = 100.0 * math.log10(1 + audience) / math.log10(1 + ceiling)
    return round(min(100.0, score), 1)


def mention_reach(mention: Mention) -> float | None:
    return reach_score(mention.source, mention.author.reach)


def is_influencer(score: float | None, threshold: float) -> bool:
    """An opinion leader: an author whose reach is at or above the deployment's threshold."""
    return score is not None and score >= threshold
