"""What an alert says, as plain text and as Slack Block Kit."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.models import WatchMention

QUOTE_CHARS = 400


def _quote(item: WatchMention) -> str:
    text = item.mention.text or item.mention.title
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _who(item: WatchMention) -> str:
    author = item.mention.author
    who = author.name or author.handle or "someone"
    return f"{who} ({author.reach:,} followers)" if author.reach else who


def headline(item: WatchMention) -> str:
    m = item.mention
    return f"[{item.watch_id}] {_who(item)} on {m.source}: {m.title or _quote(item)}"[:300]


def as_text(item: WatchMention) -> str:
    m = item.mention
    lines = [
        f"New mention for {item.watch_id} ({', '.join(item.matched_terms)})",
        f"  {m.source} · {_who(item)} · {m.published_at:%Y-%m-%d %H:%M} UTC · "
        f"{item.sentiment} · {item.language}",
    ]
    if m.title:
        lines.append(f"  {m.title}")
    if m.text and m.text != m.title:
        lines.append(f"  “{_quote(item)}”")
    if m.url:
        lines.append(f"  {m.url}")
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack(item: WatchMention) -> dict[str, Any]:
    m = item.mention
    title = f"*<{m.url}|{_escape(m.title)}>*" if m.url and m.title else f"*{_escape(m.title)}*"
    body = "\n".join(p for p in (title if m.title else "", f">{_escape(_quote(item))}") if p)
    context = (
        f"{_escape(m.source)} · {_escape(_who(item))} · <!date^{int(m.published_at.timestamp())}"
        f"^{{date_short_pretty}} {{time}}|{m.published_at:%Y-%m-%d %H:%M} UTC> · "
        f"{item.sentiment} · matched {_escape(', '.join(item.matched_terms))}"
    )
    return {
        "text": _escape(headline(item)),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": body[:2900]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context[:2900]}]},
        ],
        "unfurl_links": False,
    }
