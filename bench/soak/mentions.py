"""The soak's mentions: each has a token in its text, so whatever a user sees of it (a feed
item, a Slack post) can be traced back to it, and a plan of how it arrives."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_VOCABULARY = (
    "answer billing blue bright calm checkout cloud counter crisp dashboard delay desk early "
    "export fast feature fix forum friendly glad green helpful invoice latency login metric "
    "mobile night office onboarding orange outage patch plan pricing quick quiet refund release "
    "report roadmap router search server signup slow smooth support team ticket timely update "
    "upgrade uptime useful warm webinar widget window yellow zone"
)
WORDS = tuple(_VOCABULARY.split())
AUTHORS = tuple(f"user{n:02d}" for n in range(40))


@dataclass(frozen=True)
class SoakMention:
    token: str  # "soak-000123": in the text, so feeds and Slack posts can be traced back
    object_id: str
    created_at: int  # epoch seconds, distinct per mention
    text: str
    author: str
    polled: bool  # served by the Hacker News stand-in (and also pushed by webhook)
    webhook_copies: int
    together: bool  # the webhook copies are sent at the same moment
    alerting: bool  # says "escalate", which the watch's alert rule asks Slack to hear about

    @property
    def source(self) -> str:
        """Pushed copies of a polled mention name its source, so both paths share one key."""
        return "hackernews" if self.polled else "zapier"

    def hit(self) -> dict[str, Any]:
        """As Algolia returns a comment."""
        return {
            "objectID": self.object_id,
            "created_at_i": self.created_at,
            "author": self.author,
            "comment_text": self.text,
            "_tags": ["comment", f"author_{self.author}"],
            "points": None,
        }

    def webhook_body(self) -> bytes:
        return json.dumps(
            {
                "id": self.object_id,
                "text": self.text,
                "published_at": datetime.fromtimestamp(self.created_at, UTC).isoformat(),
                "source": self.source,
                "url": f"https://news.ycombinator.com/item?id={self.object_id}",
                "author": {"name": self.author, "handle": self.author},
            }
        ).encode()


def plan(
    count: int, *, seed: int, now: int, alert_share: float, span_s: int = 6 * 3600
) -> list[SoakMention]:
    """Half polled (and pushed once or twice more), half pushed two or three times; a third of
    the pushes fire their copies at once; `alert_share` of them are due an alert. Oldest first,
    one second apart at least."""
    rng = random.Random(seed)
    step = max(1, span_s // max(count, 1))
    start = now - step * count - 60
    out = []
    for i in range(count):
        polled = rng.random() < 0.5
        token = f"soak-{i:06d}"
        words = " ".join(rng.choice(WORDS) for _ in range(14))
        alerting = rng.random() < alert_share
        out.append(
            SoakMention(
                token=token,
                object_id=str(90_000_000 + i),
                created_at=start + i * step,
                text=f"{token} Tidings {'escalate ' if alerting else ''}{words}",
                author=rng.choice(AUTHORS),
                polled=polled,
                webhook_copies=rng.randint(1, 2) if polled else rng.randint(2, 3),
                together=rng.random() < 1 / 3,
                alerting=alerting,
            )
        )
    return out
