"""Sentiment: what a reader would call positive, neutral or negative, in English and German;
other languages unscored, never guessed."""

from __future__ import annotations

import pytest

from chalicelib.analysis.analyser import BuiltinAnalyser
from chalicelib.analysis.sentiment import sentiment


def score(text: str, language: str = "en") -> float:
    value = sentiment(text, language)[1]
    assert value is not None
    return value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme's support is great, they fixed it in minutes", "positive"),
        ("Acme's app keeps crashing, worst update ever", "negative"),
        ("Acme shipped version 2.0 today", "neutral"),
        ("not bad at all", "positive"),
        ("this is not good", "negative"),
        ("I love it 😍", "positive"),
        ("meh 😡", "negative"),
        ("great :)", "positive"),
        ("awful :(", "negative"),
        ("gr8 service", "positive"),
        ("The food was great but the service was terrible", "negative"),
    ],
)
def test_english(text: str, expected: str) -> None:
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der Service ist super, ich bin total begeistert!", "positive"),
        ("Das ist gut", "positive"),
        ("Das ist nicht gut", "negative"),
        ("Das gefällt mir nicht.", "negative"),
        ("Der Support ist eine Katastrophe", "negative"),
        ("Nie wieder, total enttäuscht :(", "negative"),
        ("Die Bahn fährt heute um 10 Uhr ab", "neutral"),
        ("Der neue Akku ist nicht gut", "negative"),
        ("Läuft super 😍", "positive"),
    ],
)
def test_german(text: str, expected: str) -> None:
    assert sentiment(text, "de")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It looks like rain today", "neutral"),
        ("Looks like Acme shipped 2.0", "neutral"),
        ("I really like the new app", "positive"),
        ("I don't like it", "negative"),
        ("It was kind of boring", "negative"),
        ("He was so kind to me", "positive"),
        ("Their support team helped me twice", "positive"),
        ("The new app is buggy and overpriced", "negative"),
        ("Setup was seamless and intuitive", "positive"),
        ("A mediocre, forgettable release", "negative"),
    ],
)
def test_english_words_score_only_where_they_carry_sentiment(text: str, expected: str) -> None:
    """`like` as a preposition and `kind of` as a hedge carry none; an unlisted inflection
    (`helped`) scores like its stem; common evaluative words VADER lacks (`buggy`) count."""
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not bad", "positive"),
        ("not great", "negative"),
        ("no problem, fixed", "positive"),
        ("No complaints so far", "positive"),
        ("No.", "negative"),
        ("The update should have been better", "negative"),
        ("The app isn't terrible", "positive"),
        ("sooo goood!!!", "positive"),
        ("this update SUCKS", "negative"),
        ("new release 🎉🎉", "positive"),
        ("support never answered 😡", "negative"),
        ("fixed in 5 min :-)", "positive"),
        ("#fail", "negative"),
    ],
)
def test_english_negation_emoji_and_social_media_spelling(text: str, expected: str) -> None:
    assert sentiment(text, "en")[0] == expected


def test_intensifiers_caps_elongation_and_exclamation_make_it_stronger() -> None:
    plain = score("The support was good")
    assert score("The support was very good") > plain
    assert score("The support was GOOD") > plain
    assert score("The support was goooood") > plain
    assert score("The support was good!!!") > plain
    assert score("The support was kinda good") < plain


def test_german_negation_flips_and_intensifiers_strengthen() -> None:
    assert score("Das Produkt ist gut", "de") > 0 > score("Das Produkt ist nicht gut", "de")
    assert score("Der Service ist echt mies", "de") < 0


def test_html_entities_and_links_do_not_change_the_verdict() -> None:
    assert sentiment("Acme &amp; co are awesome http://t.co/x", "en")[0] == "positive"


def test_scores_stay_between_minus_one_and_one() -> None:
    assert -1 <= score("HORRIBLE TERRIBLE AWFUL WORST!!!! 😡😡😡") < 0
    assert 0 < score("AMAZING WONDERFUL BEST EVER!!!! 😍😍😍") <= 1


@pytest.mark.parametrize("language", ["it", "fr", "und", "ja", ""])
def test_languages_without_rules_are_unscored(language: str) -> None:
    assert sentiment("Il servizio è ottimo", language) == ("unscored", None)


class FakeComprehend:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def detect_sentiment(self, text: str, language: str) -> tuple[str, float | None]:
        self.calls.append((text, language))
        return "positive", 0.9

    def detect_language(self, text: str) -> str | None:
        return "ko"


def test_a_fallback_scores_only_what_the_builtin_rules_cannot() -> None:
    fallback = FakeComprehend()
    analyser = BuiltinAnalyser(fallback=fallback)

    assert analyser.sentiment("Il servizio è ottimo", "it") == ("positive", 0.9)
    assert analyser.sentiment("The service is great", "en")[0] == "positive"
    assert fallback.calls == [("Il servizio è ottimo", "it")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The least helpful answer I have ever had", "negative"),
        ("At least the support was helpful", "positive"),
        ("It will likely ship on Monday", "neutral"),
        ("Two goods trains passed", "neutral"),
        ("I have never been so happy with a support team", "positive"),
    ],
)
def test_least_negates_and_lookalike_words_carry_no_sentiment(text: str, expected: str) -> None:
    """VADER's `least` negates what follows (not in `at least`) and `never so` strengthens
    rather than negates; `likely` and `goods` are not forms of `like` and `good`."""
    assert sentiment(text, "en")[0] == expected


def test_mixed_praise_and_complaint_follow_the_stronger_word() -> None:
    assert score("Nice screen, bad battery") < 0
    assert score("Nice screen, good battery") > 0


def test_hedges_soften_and_shouting_strengthens() -> None:
    assert 0 < score("The support was fairly good") < score("The support was good")
    assert score("GREAT!!!") > score("great") > 0
    assert sentiment("not bad", "en")[0] != "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#notgood", "negative"),
        ("Launch day #sobad", "negative"),
        ("Version 2 is out :D!", "positive"),
        ("Version 2 is out...:(", "negative"),
        ("finally fixed :))", "positive"),
        ("Version 2 is out :((", "negative"),
        ("Version 2 is out 😉", "positive"),
        ("Version 2 is out 😖", "negative"),
    ],
)
def test_hashtags_of_two_words_emoticons_stuck_to_punctuation_and_emoji(
    text: str, expected: str
) -> None:
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A gripping, imaginative story", "positive"),
        ("Cheesy and tiresome dialogue", "negative"),
        ("Impeccable customer service", "positive"),
    ],
)
def test_adjectives_from_the_pattern_lexicon_count(text: str, expected: str) -> None:
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The new app is too slow", "negative"),
        ("Way too many ads in the feed", "negative"),
        ("Me too", "neutral"),
        ("Happy new year to you too bro", "positive"),
        ("This deal is too good to miss", "positive"),
    ],
)
def test_too_before_a_plain_word_is_a_complaint(text: str, expected: str) -> None:
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Save your money",
        "Stay away from this app",
        "I returned it after a week",
        "Don\u2019t buy this router",
        "Never again!",
        "Thanks for nothing, Acme",
    ],
)
def test_idioms_of_complaint_are_negative(text: str) -> None:
    assert sentiment(text, "en")[0] == "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I couldn't be happier with Acme", "positive"),
        ("It doesn't get any better than this", "positive"),
        ("Support couldn't be more helpful", "positive"),
        ("It can't get any worse", "negative"),
        ("It isn't any better", "negative"),
        ("It won't be better", "negative"),
    ],
)
def test_a_negated_comparative_is_praise_or_complaint(text: str, expected: str) -> None:
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I emailed the support team yesterday", "neutral"),
        ("the help desk never replied", "neutral"),
        ("terrible customer care", "negative"),
        ("customer service was useless", "negative"),
        ("great customer support", "positive"),
    ],
)
def test_a_brands_services_are_named_without_sentiment(text: str, expected: str) -> None:
    # `support`, `care` and `help` are praise in VADER's lexicon, not in `customer care`
    assert sentiment(text, "en")[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this app is trash", "negative"),
        ("got ghosted by their sales rep", "negative"),
        ("yikes, the update bricked my phone", "negative"),
    ],
)
def test_social_media_complaints_vader_lacks(text: str, expected: str) -> None:
    assert sentiment(text, "en")[0] == expected
