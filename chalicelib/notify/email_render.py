"""What an instant email alert says: a subject SNS accepts and a plain-text body a person reads.

SNS email subjects must be ASCII, without line breaks, and under 100 characters; the body is
plain text (SNS email is not HTML), so the link is a bare URL any mail client makes clickable.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from chalicelib.domain.alerts.flood import Batch
from chalicelib.domain.models import Watch, WatchMention

SUBJECT_CHARS = 99
QUOTE_CHARS = 600


def subject_line(text: str) -> str:
    """ASCII, one line, at most 99 characters (SNS refuses anything else)."""
    folded = unicodedata.normalize("NFKD", " ".join(text.split()))
    ascii_text = folded.encode("ascii", "ignore").decode().strip()
    if len(ascii_text) > SUBJECT_CHARS:
        ascii_text = ascii_text[: SUBJECT_CHARS - 3].rstrip() + "..."
    return ascii_text or "New mention"


def _who(item: WatchMention) -> str:
    author = item.mention.author
    who = author.name or author.handle or "someone"
    if author.handle and author.name and author.handle != author.name:
        who = f"{who} (@{author.handle.lstrip('@')})"
    return f"{who}, {author.reach:,} followers" if author.reach else who


def _quote(item: WatchMention) -> str:
    text = " ".join((item.mention.text or item.mention.title).split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def alert_subject(watch: Watch, item: WatchMention) -> str:
    polar = item.sentiment in ("negative", "positive")
    tone = f"{item.sentiment.capitalize()} mention" if polar else "New mention"
    m = item.mention
    return subject_line(f"{tone} of {watch.name} on {m.source}: {m.title or _quote(item)}")


def alert_body(watch: Watch, item: WatchMention, rules: Sequence[str]) -> str:
    m = item.mention
    reach = f"{item.reach_score:.0f}/100" if item.reach_score is not None else "unknown"
    lines = [
        f"New mention for the watch {watch.name} ({watch.id})",
        f"Rules: {', '.join(rules) or 'none'}",
        "",
        f"Sentiment: {item.sentiment}",
        f"Author:    {_who(item)}",
        f"Reach:     {reach}{' (influencer)' if item.influencer else ''}",
        f"Source:    {m.source}",
        f"Published: {m.published_at:%Y-%m-%d %H:%M} UTC",
        f"Matched:   {', '.join(item.matched_terms) or '-'}",
        "",
    ]
    if m.title:
        lines.append(m.title)
    if m.text and m.text != m.title:
        lines.append(f"“{_quote(item)}”")
    lines += ["", f"Open: {m.url}" if m.url else "(no link)", "", _footer(watch)]
    return "\n".join(lines)


def batch_subject(watch: Watch, batch: Batch) -> str:
    return subject_line(batch.summary(watch.name))


def batch_body(watch: Watch, batch: Batch) -> str:
    lines = [batch.summary(watch.name), f"Since {batch.since:%Y-%m-%d %H:%M} UTC", ""]
    if batch.top:
        lines.append("Top by reach:")
        for n, held in enumerate(batch.top, 1):
            lines.append(f"{n}. {held.headline}")
            if held.url:
                lines.append(f"   {held.url}")
    lines += ["", "The rest are in the feed and the dashboard.", "", _footer(watch)]
    return "\n".join(lines)


def _footer(watch: Watch) -> str:
    return (
        f"-- \nTidings, watch {watch.id}. At most {watch.alerts.flood.max_per_window} single "
        f"alerts per {watch.alerts.flood.window_minutes} minutes; the rest arrive as one summary."
    )
