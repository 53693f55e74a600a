"""Language identification: naive Bayes over character trigrams (profiles derived from
langdetect's, Apache-2.0), plus Unicode scripts for languages that have their own.

Small and fast: one pass to cut n-grams, one C-level `sum(map(...))` per language. It answers
`und` rather than guess when the text is too short or the top two languages are too close.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path
from typing import cast

DATA = Path(__file__).resolve().parent / "data"
UNDETERMINED = "und"
MAX_CHARS = 200  # enough to decide; keeps long articles as cheap as tweets
MIN_LETTERS = 6
MIN_MARGIN = 3.0  # log-likelihood lead of the best language over the next, at the least
MARGIN_PER_GRAM = 0.12  # and per trigram read (up to 40), so longer texts must be clearer
WORD_CACHE = 20_000  # words whose trigram sums are kept (about 10 MB at most)
WORD_BONUS = 3.0  # nats a common word of a language adds to it (see the build script's list)
HINT_BONUS = 4.0  # a source's own language hint counts as this many nats of evidence
# A language the deployment mostly hears (Settings.languages) counts as this many nats: a
# prior, so a short post (`my order never arrived`) that is about as likely English as Danish
# is read as English and scored, where a uniform prior left it `und` (and unscored).
EXPECTED_BONUS = 1.5

_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+|&\w+;|[^\w\s]|\d|_")
_NON_LATIN = re.compile(r"[\u0370-\u1fff\u3040-\uffff]")
# (first code point, last code point, language) for scripts that name their language.
_SCRIPTS = (
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x04FF, "ru"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0E00, 0x0E7F, "th"),
    (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"),
    (0x4E00, 0x9FFF, "zh"),
)
_UKRAINIAN = frozenset("єіїґ")


class LanguageModel:
    def __init__(
        self,
        languages: list[str],
        floors: dict[str, float],
        grams: dict[str, dict[str, float]],
        words: dict[str, list[str]] | None = None,
    ) -> None:
        self.languages = tuple(languages)
        # Common words add evidence for their languages: short posts have few trigrams.
        self._common = {
            w: tuple(WORD_BONUS if lang in listed else 0.0 for lang in languages)
            for w, listed in (words or {}).items()
        }
        vocab = {g for profile in grams.values() for g in profile}
        # One row per trigram: its log-probability in every language (the floor where unseen).
        self._table: dict[str, tuple[float, ...]] = {
            g: tuple(grams[lang].get(g, floors[lang]) for lang in languages) for g in vocab
        }
        self._words: dict[str, tuple[tuple[float, ...], int]] = {}

    def scores(self, text: str) -> tuple[list[tuple[float, str]], int]:
        """Log-likelihood per language, best first, and how many known trigrams decided it.

        Trigrams are read within words (` word `), and each word's sums are cached: words
        repeat across mentions, so most cost one dict lookup."""
        cache = self._words
        rows: list[tuple[float, ...]] = []
        count = 0
        for word in text.split():
            entry = cache.get(word)
            if entry is None:
                entry = self._word(word)
                if len(cache) < WORD_CACHE:
                    cache[word] = entry
            if entry[1]:
                rows.append(entry[0])
                count += entry[1]
        if not rows:
            return [(0.0, lang) for lang in self.languages], 0
        totals = cast("Iterator[float]", map(sum, zip(*rows, strict=True)))
        return sorted(zip(totals, self.languages, strict=True), reverse=True), count

    def forget_words(self) -> None:
        """Empty the word cache (a benchmark starts cold with it)."""
        self._words.clear()

    def _word(self, word: str) -> tuple[tuple[float, ...], int]:
        padded = f" {word} "
        trigrams = map("".join, zip(padded, padded[1:], padded[2:], strict=False))
        rows = [*filter(None, map(self._table.get, trigrams))]
        common = self._common.get(word)
        if common is not None:
            rows.append(common)
        if not rows:
            return (), 0
        return tuple(cast("Iterator[float]", map(sum, zip(*rows, strict=True)))), len(rows)

    def detect(self, text: str, hint: str = "", expected: Collection[str] = ()) -> str:
        sample = text[:MAX_CHARS]
        script = _script_language(sample)
        if script:
            return script
        cleaned = _NOISE.sub(" ", sample.lower())
        if sum(map(len, cleaned.split())) < MIN_LETTERS:
            return hint or UNDETERMINED
        ranked, n = self.scores(cleaned)
        if expected or hint:
            ranked = sorted(
                (
                    (s + HINT_BONUS * (lang == hint) + EXPECTED_BONUS * (lang in expected), lang)
                    for s, lang in ranked
                ),
                reverse=True,
            )
        (best, lang), (second, _) = ranked[0], ranked[1]
        if n and best - second >= max(MIN_MARGIN, MARGIN_PER_GRAM * min(n, 40)):
            return lang
        return hint or UNDETERMINED


def _script_language(text: str) -> str | None:
    """The language a non-Latin script gives away, when most letters are in it."""
    if text.isascii() or not _NON_LATIN.search(text):
        return None
    counts: dict[str, int] = {}
    latin = 0
    for char in text:
        code = ord(char)
        if code < 0x0250:
            latin += char.isalpha()
            continue
        for first, last, lang in _SCRIPTS:
            if first <= code <= last:
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    lang, count = max(counts.items(), key=lambda item: item[1])
    if count < latin:
        return None
    if lang == "zh" and counts.get("ja"):
        return "ja"
    if lang == "ru" and any(c in _UKRAINIAN for c in text):
        return "uk"
    return lang


@cache
def model() -> LanguageModel:
    raw = json.loads((DATA / "language.json").read_text(encoding="utf-8"))
    return LanguageModel(raw["languages"], raw["floors"], raw["grams"], raw.get("words"))


def normalise_hint(hint: str | None) -> str:
    """`en-US`, `EN`, `en_gb` -> `en`; nothing -> ``."""
    return (hint or "").strip().lower().replace("_", "-").split("-")[0]


def detect(text: str, hint: str | None = None, expected: Collection[str] = ()) -> str:
    """ISO 639-1 code of the text's language, or `und`; a confident text beats the hint and
    the languages `expected` (the deployment's, Settings.languages)."""
    return model().detect(text, normalise_hint(hint), expected)
