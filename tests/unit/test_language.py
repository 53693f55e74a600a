"""Language: the text decides when it is clear, the source's hint when it is not, else `und`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.analysis.language import detect
from chalicelib.domain.models import Mention


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is a great product and I love it", "en"),
        ("Das Essen war wirklich nicht gut, leider.", "de"),
        ("Le service client est vraiment excellent", "fr"),
        ("El servicio fue muy malo, no lo recomiendo", "es"),
        ("Il servizio è stato ottimo, lo consiglio", "it"),
        ("De service was echt slecht vandaag", "nl"),
        ("O atendimento foi muito bom, recomendo", "pt"),
        ("Jag älskar den här produkten", "sv"),
        ("こんにちは、元気ですか", "ja"),
        ("Привет, как дела?", "ru"),
        ("love it", "en"),
        ("Ik ben blij", "nl"),
    ],
)
def test_each_language_is_told_apart(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_links_handles_and_hashtags_do_not_decide_the_language() -> None:
    text = "@acme_support #fail https://example.com/a/very/long/path Der Support antwortet nie"

    assert detect(text) == "de"


def test_a_text_too_short_to_tell_is_undetermined_unless_the_source_says() -> None:
    assert detect("Acme X200 Pro") == "und"
    assert detect("ok") == "und"
    assert detect("Acme X200 Pro", hint="en-GB") == "en"


def test_a_clear_text_overrules_a_wrong_hint() -> None:
    assert detect("Das ist wirklich ein sehr schöner Tag heute", hint="en") == "de"


def test_a_hint_in_a_language_without_a_profile_is_kept_when_the_text_is_unclear() -> None:
    assert detect("Acme!", hint="ja") == "ja"


def test_the_analyser_reads_title_and_text_with_the_sources_hint() -> None:
    mention = Mention(
        source="rss",
        native_id="1",
        url="",
        title="Neues von Acme",
        text="Heute haben wir die neue Version veröffentlicht, mit vielen Verbesserungen.",
        published_at=datetime(2026, 11, 21, tzinfo=UTC),
        language="en",
    )

    assert BuiltinAnalyser().language(mention) == "de"


@pytest.mark.parametrize(
    "text", ["cancel my order", "return policy sucks", "terrible customer care"]
)
def test_a_short_post_leans_to_the_languages_the_deployment_hears(text: str) -> None:
    # Given a short complaint about as likely English as a Nordic language
    # When the deployment expects English (TIDINGS_LANGUAGES, default "en")
    # Then it is read as English, so it gets a sentiment, where no expectation left it `und`
    assert detect(text) == "und"
    assert detect(text, expected=("en",)) == "en"


def test_an_expected_language_never_overrules_a_clear_text() -> None:
    assert detect("Das ist wirklich ein sehr schöner Tag heute", expected=("en",)) == "de"
    assert detect("Le service client est vraiment excellent", expected=("en", "de")) == "fr"


def test_the_analyser_scores_a_short_english_complaint_by_default() -> None:
    analyser = BuiltinAnalyser()
    mention = Mention(
        source="x",
        native_id="2",
        url="",
        title="",
        text="terrible customer care",
        published_at=datetime(2026, 11, 21, tzinfo=UTC),
    )

    language = analyser.language(mention)

    assert language == "en"
    assert analyser.sentiment(mention.text, language)[0] == "negative"


def test_the_deployments_languages_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib.settings import get_settings

    monkeypatch.setenv("TIDINGS_LANGUAGES", " de-AT, EN ,de")
    get_settings.cache_clear()
    try:
        assert get_settings().languages == ("de", "en")
    finally:
        monkeypatch.delenv("TIDINGS_LANGUAGES")
        get_settings.cache_clear()
    assert get_settings().languages == ("en",)
