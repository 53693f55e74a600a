"""What an alert says: the plain-text form (console, email) and the Slack Block Kit payload."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.models import Author, Mention, WatchMention
from chalicelib.notify.render import as_slack, as_text

WHEN = datetime(2026, 11, 21, 8, 15, tzinfo=UTC)
URL = "https://reviews.example/991"
TEXT = "Acme refunded me within an hour. Impressed!"
QUOTED = "*Acme* refunded me within an hour. Impressed!"  # matched words in bold


def alert(
    *,
    text: str = TEXT,
    title: str = "",
    url: str = URL,
    author: Author | None = None,
    terms: tuple[str, ...] = ("Acme", "refund"),
) -> WatchMention:
    return WatchMention(
        watch_id="acme",
        mention=Mention(
            source="zap",
            native_id="991",
            url=url,
            text=text,
            title=title,
            published_at=WHEN,
            author=author if author is not None else Author(name="Dana", reach=5400),
        ),
        language="en",
        sentiment="positive",
        sentiment_score=0.8,
        matched_terms=terms,
    )


def section(payload: dict[str, Any]) -> str:
    return str(payload["blocks"][0]["text"]["text"])


def context(payload: dict[str, Any]) -> str:
    return str(payload["blocks"][1]["elements"][0]["text"])


def slack_date(moment: datetime, shown: str) -> str:
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{shown}>"


# Plain text


def test_the_plain_text_alert_shows_everything_a_reader_needs() -> None:
    # Given a stored mention from Dana, who has 5,400 followers
    # When it is rendered as text
    text = as_text(alert())

    # Then it reads, line by line: watch and terms; source, author, time, sentiment; quote; link
    assert text.splitlines() == [
        "New mention for acme (Acme, refund)",
        "  zap · Dana (5,400 followers) · 2026-11-21 08:15 UTC · positive · en",
        f"  “{TEXT}”",
        f"  {URL}",
    ]


def test_the_plain_text_alert_shows_the_title_above_the_quote() -> None:
    text = as_text(alert(title="Great service"))

    assert text.splitlines()[2:] == ["  Great service", f"  “{TEXT}”", f"  {URL}"]


def test_a_mention_whose_text_is_its_title_is_not_repeated() -> None:
    text = as_text(alert(title="Acme is great", text="Acme is great"))

    assert text.count("Acme is great") == 1


def test_an_author_without_reach_is_shown_by_name_alone() -> None:
    text = as_text(alert(author=Author(name="Dana")))

    assert "· Dana ·" in text
    assert "followers" not in text


def test_an_author_known_only_by_handle_is_shown_by_handle() -> None:
    assert "· @dana (12 followers) ·" in as_text(alert(author=Author(handle="@dana", reach=12)))


def test_an_anonymous_author_is_shown_as_someone() -> None:
    assert "· someone ·" in as_text(alert(author=Author()))


def test_a_mention_without_a_link_has_no_link_line() -> None:
    assert as_text(alert(url="")).splitlines()[-1] == f"  “{TEXT}”"


def test_a_long_text_is_cut_with_an_ellipsis_in_the_plain_text_alert() -> None:
    # Given a mention of 2,000 characters
    long_text = "Acme " + "very " * 399

    # When rendered
    quote_line = as_text(alert(text=long_text)).splitlines()[2]

    # Then the quote is cut to 400 characters, ending with an ellipsis
    quote = quote_line.strip().removeprefix("“").removesuffix("”")
    assert quote.endswith("…")
    assert len(quote) <= 400
    assert long_text.startswith(quote.removesuffix("…"))


# Slack


def test_the_slack_alert_shows_watch_author_source_time_sentiment_terms_and_link() -> None:
    # Given a stored mention with a title and a link
    # When it is rendered for Slack
    payload = as_slack(alert(title="Great service"))

    # Then the message links the title, quotes the text and gives the context line
    assert section(payload) == f"*<{URL}|Great service>*\n>{QUOTED}"
    assert context(payload) == (
        f"zap · Dana (5,400 followers) · {slack_date(WHEN, '2026-11-21 08:15 UTC')} · "
        "positive · matched Acme, refund"
    )
    assert payload["unfurl_links"] is False


def test_the_slack_alert_has_a_text_fallback_naming_watch_author_and_source() -> None:
    # Given a mention without a title
    # When it is rendered for Slack
    payload = as_slack(alert())

    # Then notifications and old clients get a one-line text
    assert payload["text"] == f"[acme] Dana (5,400 followers) on zap: {TEXT}"


def test_the_slack_text_fallback_prefers_the_title() -> None:
    payload = as_slack(alert(title="Great service"))

    assert payload["text"] == "[acme] Dana (5,400 followers) on zap: Great service"


def test_a_mention_without_a_title_is_quoted_without_a_heading() -> None:
    assert section(as_slack(alert())) == f">{QUOTED}"


def test_a_title_without_a_link_is_shown_bold() -> None:
    assert section(as_slack(alert(title="Great service", url=""))) == f"*Great service*\n>{QUOTED}"


def test_slack_mrkdwn_escapes_angle_brackets_and_ampersands_in_user_text() -> None:
    # Given a mention whose title, text and author contain Slack's control characters
    item = alert(
        title="Acme <3 & friends",
        text="Is <b>Acme</b> > Globex? <!channel>",
        author=Author(name="Dana <dana@example.com>", reach=5400),
        terms=("Acme", "R&D"),
    )

    # When rendered for Slack
    payload = as_slack(item)

    # Then they are shown as text, never as links, mentions or markup
    assert section(payload) == (
        f"*<{URL}|Acme &lt;3 &amp; friends>*\n"
        ">Is &lt;b&gt;*Acme*&lt;/b&gt; &gt; Globex? &lt;!channel&gt;"
    )
    assert context(payload).startswith("zap · Dana &lt;dana@example.com&gt; (5,400 followers) · ")
    assert context(payload).endswith("matched Acme, R&amp;D")


def test_the_slack_text_fallback_escapes_user_text_too() -> None:
    # Given a mention whose text would ping the whole channel if Slack parsed it
    item = alert(text="Acme is a scam <!channel> & <https://evil.example|click here>")

    # When rendered for Slack
    fallback = as_slack(item)["text"]

    # Then the fallback (shown in notifications, parsed as mrkdwn) carries it escaped
    assert "<!channel>" not in fallback
    assert "<https://evil.example" not in fallback
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;" in fallback


def test_the_plain_text_alert_is_not_escaped() -> None:
    text = as_text(alert(title="Acme <3 & friends"))

    assert "  Acme <3 & friends" in text.splitlines()


def test_a_long_text_is_cut_with_an_ellipsis_in_the_slack_alert() -> None:
    # Given a mention of 2,000 characters
    long_text = "Acme " + "very " * 399

    # When rendered for Slack
    payload = as_slack(alert(text=long_text))

    # Then the quote is cut to 400 characters with an ellipsis, and the fallback stays short
    quote = section(payload).removeprefix(">").replace("*", "")  # without the bold marks
    assert quote.endswith("…")
    assert len(quote) <= 400
    assert long_text.startswith(quote.removesuffix("…"))
    assert len(payload["text"]) <= 300


def test_a_text_of_exactly_the_limit_is_not_cut() -> None:
    exact = "x" * 400

    assert section(as_slack(alert(text=exact))) == f">{exact}"


def test_the_time_is_shown_in_utc_with_a_slack_date_for_the_readers_zone() -> None:
    later = replace(alert().mention, published_at=datetime(2026, 11, 21, 23, 5, tzinfo=UTC))
    payload = as_slack(replace(alert(), mention=later))

    assert slack_date(later.published_at, "2026-11-21 23:05 UTC") in context(payload)
