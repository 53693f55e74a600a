"""What a spike alert says: the numbers, and why (terms, sources, authors, examples).

One finding, three shapes: plain text (email, console), Slack Block Kit, and the outgoing
webhook's JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.domain.models import WatchMention
from chalicelib.domain.serialise import watch_mention_to_dict
from chalicelib.domain.spikes import Explanation, Spike

KIND_NAMES = {"volume": "Spike in mentions", "negative_share": "Spike in negative mentions"}
QUOTE_CHARS = 280


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote(item: WatchMention) -> str:
    text = " ".join((item.mention.text or item.mention.title).split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _who(item: WatchMention) -> str:
    author = item.mention.author
    who = author.name or author.handle or "someone"
    return f"{who} ({author.reach:,} followers)" if author.reach else who


def _window(spike: Spike) -> str:
    return f"{spike.window_start:%Y-%m-%d %H:%M} to {spike.window_end:%H:%M} UTC"


def summary(watch_name: str, spike: Spike) -> str:
    """One line: what happened, against what was expected."""
    name = KIND_NAMES.get(spike.kind, "Spike")
    if spike.kind == "negative_share":
        return (
            f"{name} for {watch_name}: {spike.observed:.0%} negative "
            f"({spike.negative} of {spike.volume}) vs {spike.expected:.0%} usually, "
            f"{_window(spike)}"
        )
    usual = f"{spike.expected:.1f}".rstrip("0").rstrip(".")
    return f"{name} for {watch_name}: {spike.volume} vs {usual} usually, {_window(spike)}"


def _pairs(pairs: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{name} ({n})" for name, n in pairs) or "none"


def as_text(watch_name: str, spike: Spike, why: Explanation) -> str:
    lines = [
        summary(watch_name, spike),
        f"  Top terms: {_pairs(why.top_terms)}",
        f"  Top sources: {_pairs(why.top_sources)}",
        f"  Top authors: {_pairs(why.top_authors)}",
    ]
    if why.samples:
        lines.append("  Examples:")
    for item in why.samples:
        lines.append(f"  - {item.mention.source} · {_who(item)} · {item.sentiment}")
        lines.append(f"    “{_quote(item)}”")
        if item.mention.url:
            lines.append(f"    {item.mention.url}")
    return "\n".join(lines)


def as_slack(watch_name: str, spike: Spike, why: Explanation) -> dict[str, Any]:
    head = summary(watch_name, spike)
    facts = (
        f"*Top terms:* {_escape(_pairs(why.top_terms))}\n"
        f"*Top sources:* {_escape(_pairs(why.top_sources))}\n"
        f"*Top authors:* {_escape(_pairs(why.top_authors))}"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": head[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": facts[:2900]}},
    ]
    for item in why.samples:
        m = item.mention
        link = f"<{m.url}|{_escape(m.source)}>" if m.url else _escape(m.source)
        text = f">{_escape(_quote(item))}\n{link} · {_escape(_who(item))} · {item.sentiment}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}})
    return {"text": _escape(head), "blocks": blocks, "unfurl_links": False}


def as_event(watch_name: str, spike: Spike, why: Explanation) -> dict[str, Any]:
    """The outgoing webhook's `spike` event."""
    return {
        "spike": {
            "watch_id": spike.watch_id,
            "watch_name": watch_name,
            "kind": spike.kind,
            "window_start": spike.window_start.isoformat(),
            "window_end": spike.window_end.isoformat(),
            "observed": spike.observed,
            "expected": spike.expected,
            "threshold": spike.threshold,
            "volume": spike.volume,
            "negative": spike.negative,
            "summary": summary(watch_name, spike),
        },
        "top_terms": [list(p) for p in why.top_terms],
        "top_sources": [list(p) for p in why.top_sources],
        "top_authors": [list(p) for p in why.top_authors],
        "samples": [watch_mention_to_dict(m) for m in why.samples],
    }
