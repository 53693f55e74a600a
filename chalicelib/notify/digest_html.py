"""A digest as email: HTML for Gmail and Outlook, and the plain-text part.

Email clients ignore <style> blocks and flexbox, so the HTML is tables with inline CSS, widths
in pixels or percent, and bars made of table cells; no images, no scripts. Every value is
escaped: mention text is written by strangers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from html import escape

from chalicelib.domain.digest import Digest

COLOURS = {
    "positive": "#2e7d32",
    "neutral": "#9e9e9e",
    "negative": "#c62828",
    "unscored": "#cfd8dc",
}
FONT = "font-family:Helvetica,Arial,sans-serif;"
CELL = f"{FONT}font-size:14px;color:#263238;padding:6px 8px;border-bottom:1px solid #eceff1;"
HEAD = f"{FONT}font-size:16px;color:#102a43;font-weight:bold;padding:18px 8px 6px;"
PERIOD_NAMES = {"daily": "Daily", "weekly": "Weekly"}


def subject(digest: Digest) -> str:
    return f"{PERIOD_NAMES[digest.period]} digest for {digest.watch_name}: {digest.volume} mentions"


def _dates(digest: Digest) -> str:
    if digest.period == "daily":
        return f"{digest.start:%A %d %B %Y}"
    return f"{digest.start:%d %B} to {digest.end - timedelta(days=1):%d %B %Y}"


def _change(digest: Digest) -> str:
    change = digest.change
    if change is None:
        return "nothing the period before"
    return f"{change:+.0%} on the period before ({digest.previous_volume})"


def _share(n: int, total: int) -> str:
    return f"{n / total:.0%}" if total else "0%"


def _rows(pairs: Sequence[tuple[str, int]], total: int) -> str:
    if not pairs:
        return f'<tr><td style="{CELL}color:#78909c;">None this period.</td></tr>'
    return "".join(
        f'<tr><td style="{CELL}">{escape(name)}</td>'
        f'<td style="{CELL}text-align:right;width:60px;">{n}</td>'
        f'<td style="{CELL}text-align:right;width:50px;color:#78909c;">{_share(n, total)}</td></tr>'
        for name, n in pairs
    )


def _sentiment_bar(digest: Digest) -> str:
    total = sum(n for _, n in digest.sentiment)
    if not total:
        return ""
    cells = "".join(
        f'<td style="background:{COLOURS.get(s, "#cfd8dc")};height:12px;font-size:1px;'
        f'line-height:1px;" width="{max(1, round(100 * n / total))}%">&nbsp;</td>'
        for s, n in digest.sentiment
        if n
    )
    legend = " &nbsp; ".join(
        f'<span style="color:{COLOURS.get(s, "#cfd8dc")};">&#9632;</span> '
        f"{s} {n} ({_share(n, total)})"
        for s, n in digest.sentiment
        if n
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="border-collapse:collapse;margin:4px 0;"><tr>{cells}</tr></table>'
        f'<div style="{FONT}font-size:13px;color:#455a64;padding:4px 0;">{legend}</div>'
    )


def _stories(digest: Digest) -> str:
    if not digest.stories:
        return f'<tr><td style="{CELL}color:#78909c;">No stories this period.</td></tr>'
    rows = []
    for story in digest.stories:
        m = story.item.mention
        title = escape(m.title or (m.text[:120] + ("…" if len(m.text) > 120 else "")))
        link = f'<a href="{escape(m.url)}" style="color:#1565c0;">{title}</a>' if m.url else title
        who = escape(m.author.name or m.author.handle or "someone")
        copies = f" · {story.copies} copies" if story.copies > 1 else ""
        rows.append(
            f'<tr><td style="{CELL}">{link}<br><span style="font-size:12px;color:#78909c;">'
            f"{escape(m.source)} · {who} · {story.item.sentiment}{copies}</span></td></tr>"
        )
    return "".join(rows)


def _section(title: str, body: str) -> str:
    return (
        f'<tr><td style="{HEAD}">{escape(title)}</td></tr><tr><td>'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="border-collapse:collapse;">{body}</table></td></tr>'
    )


def as_html(digest: Digest) -> str:
    total_voice = sum(n for _, n in digest.share_of_voice)
    summary = (
        f'<tr><td style="{FONT}padding:8px;"><span style="font-size:36px;font-weight:bold;'
        f'color:#102a43;">{digest.volume}</span> <span style="font-size:14px;color:#455a64;">'
        f"mentions · {escape(_change(digest))}</span>{_sentiment_bar(digest)}</td></tr>"
    )
    body = "".join(
        (
            summary,
            _section("Top stories", _stories(digest)),
            _section("Top authors", _rows(digest.authors, digest.volume)),
            _section("Sources", _rows(digest.sources, digest.volume)),
            _section("Share of voice", _rows(digest.share_of_voice, total_voice)),
        )
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(subject(digest))}</title></head>"
        '<body style="margin:0;padding:0;background:#f4f6f8;">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="background:#f4f6f8;"><tr><td align="center" style="padding:24px 8px;">'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" '
        'style="width:600px;max-width:100%;background:#ffffff;border-radius:6px;'
        'border-collapse:separate;padding:16px;">'
        f'<tr><td style="{FONT}font-size:12px;color:#78909c;padding:8px;text-transform:uppercase;'
        f'letter-spacing:1px;">Tidings · {PERIOD_NAMES[digest.period]} digest</td></tr>'
        f'<tr><td style="{FONT}font-size:22px;font-weight:bold;color:#102a43;padding:0 8px;">'
        f"{escape(digest.watch_name)}</td></tr>"
        f'<tr><td style="{FONT}font-size:13px;color:#78909c;padding:2px 8px 8px;">'
        f"{escape(_dates(digest))} (UTC)</td></tr>"
        f"{body}"
        f'<tr><td style="{FONT}font-size:12px;color:#90a4ae;padding:18px 8px 4px;">'
        "Sent by Tidings. Change recipients or frequency in the watch's alert settings."
        "</td></tr></table></td></tr></table></body></html>"
    )


def _text_pairs(title: str, pairs: Sequence[tuple[str, int]], total: int) -> list[str]:
    lines = [f"{title}:"]
    lines += [f"  {name}: {n} ({_share(n, total)})" for name, n in pairs] or ["  none"]
    return lines


def as_text(digest: Digest) -> str:
    sentiment_total = sum(n for _, n in digest.sentiment)
    lines = [
        f"{PERIOD_NAMES[digest.period]} digest for {digest.watch_name}, {_dates(digest)} (UTC)",
        "",
        f"{digest.volume} mentions, {_change(digest)}",
        "Sentiment: "
        + (
            ", ".join(f"{s} {n} ({_share(n, sentiment_total)})" for s, n in digest.sentiment if n)
            or "none"
        ),
        "",
        "Top stories:",
    ]
    for story in digest.stories:
        m = story.item.mention
        copies = f", {story.copies} copies" if story.copies > 1 else ""
        lines.append(f"  - {(m.title or m.text)[:120]} ({m.source}{copies})")
        if m.url:
            lines.append(f"    {m.url}")
    if not digest.stories:
        lines.append("  none")
    lines += ["", *_text_pairs("Top authors", digest.authors, digest.volume)]
    lines += ["", *_text_pairs("Sources", digest.sources, digest.volume)]
    voice_total = sum(n for _, n in digest.share_of_voice)
    lines += ["", *_text_pairs("Share of voice", digest.share_of_voice, voice_total)]
    return "\n".join(lines) + "\n"
