"""What an alert says, as plain text and as Slack Block Kit (with buttons, and as a batch)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from chalicelib.domain.alerts.flood import Batch
from chalicelib.domain.models import WatchMention
from chalicelib.domain.query import Span

QUOTE_CHARS = 400
ACTION_HANDLED = "tidings_handled"
ACTION_IGNORED = "tidings_ignored"
ACTION_OPEN = "tidings_open"


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


def _ranges(text: str, spans: Sequence[Span], field: str, terms: Sequence[str]) -> list[range]:
    """Character ranges to bold: the matcher's spans in this field, else the terms found."""
    found = [range(s.start, s.end) for s in spans if s.field == field and s.end <= len(text)]
    if not found:
        for term in terms:
            pattern = r"(?<!\w)" + re.escape(term.strip('"')) + r"(?!\w)"
            found += [range(m.start(), m.end()) for m in re.finditer(pattern, text, re.I)]
    merged: list[range] = []
    for r in sorted(found, key=lambda r: r.start):
        if merged and r.start <= merged[-1].stop:
            merged[-1] = range(merged[-1].start, max(merged[-1].stop, r.stop))
        elif r.stop > r.start:
            merged.append(r)
    return merged


def highlighted(item: WatchMention, spans: Sequence[Span] = ()) -> str:
    """The quoted text, escaped for mrkdwn, with the matched words in bold."""
    field = "text" if item.mention.text else "title"
    quote = _quote(item)
    out, at = [], 0
    for r in _ranges(quote, spans, field, item.matched_terms):
        out += [_escape(quote[at : r.start]), f"*{_escape(quote[r.start : r.stop])}*"]
        at = r.stop
    out.append(_escape(quote[at:]))
    return "".join(out)


def button_value(item: WatchMention) -> str:
    """What the buttons carry back to /slack/interactions: the watch and the mention."""
    return f"{item.watch_id}|{item.id}"


def as_slack(item: WatchMention, spans: Sequence[Span] = ()) -> dict[str, Any]:
    m = item.mention
    title = f"*<{m.url}|{_escape(m.title)}>*" if m.url and m.title else f"*{_escape(m.title)}*"
    quote = "\n".join(f">{line}" for line in highlighted(item, spans).splitlines() or [""])
    body = "\n".join(p for p in (title if m.title else "", quote) if p)
    reach = f" · reach {item.reach_score:.0f}/100" if item.reach_score is not None else ""
    context = (
        f"{_escape(m.source)} · {_escape(_who(item))}{reach} · "
        f"<!date^{int(m.published_at.timestamp())}"
        f"^{{date_short_pretty}} {{time}}|{m.published_at:%Y-%m-%d %H:%M} UTC> · "
        f"{item.sentiment} · matched {_escape(', '.join(item.matched_terms))}"
    )
    value = button_value(item)
    buttons: list[dict[str, Any]] = []
    if m.url:
        buttons.append(_button("Open", ACTION_OPEN, value, url=m.url))
    buttons += [
        _button("Mark handled", ACTION_HANDLED, value, style="primary"),
        _button("Ignore", ACTION_IGNORED, value),
    ]
    return {
        "text": _escape(headline(item)),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": body[:2900]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context[:2900]}]},
            {"type": "actions", "block_id": "tidings_triage", "elements": buttons},
        ],
        "unfurl_links": False,
    }


def _button(
    label: str, action_id: str, value: str, *, url: str = "", style: str = ""
) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if url:
        button["url"] = url
    if style:
        button["style"] = style
    return button


def as_slack_batch(watch_name: str, batch: Batch) -> dict[str, Any]:
    """ONE message for a burst: the count, and the three with the highest reach."""
    summary = batch.summary(watch_name)
    lines = [f"*{_escape(summary)}*", "Top by reach:" if batch.top else ""]
    for held in batch.top:
        text = _escape(held.headline)
        lines.append(f"• <{held.url}|{text}>" if held.url else f"• {text}")
    return {
        "text": _escape(summary),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}}
        ],
        "unfurl_links": False,
    }


def as_slack_handled(message: dict[str, Any], status: str, user: str) -> dict[str, Any]:
    """The original message with its buttons replaced by who triaged it."""
    blocks = [b for b in message.get("blocks", []) if b.get("type") != "actions"]
    word = {"handled": "Marked handled", "ignored": "Ignored"}.get(status, status)
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{word} by {_escape(user)}"}]}
    )
    return {"replace_original": True, "text": message.get("text", ""), "blocks": blocks}
