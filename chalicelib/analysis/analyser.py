"""The analyser the pipeline uses: builtin language, sentiment and reach, offline and free, with
an optional fallback (Amazon Comprehend) for languages the builtin one cannot score."""

from __future__ import annotations

from typing import Protocol

from chalicelib.analysis import language as lang
from chalicelib.analysis import reach as reach_
from chalicelib.analysis import sentiment as sent
from chalicelib.domain.models import Mention


class Fallback(Protocol):
    """A second opinion for what the builtin analyser leaves open (see aws/comprehend.py)."""

    def detect_sentiment(self, text: str, language: str) -> tuple[str, float | None]: ...
    def detect_language(self, text: str) -> str | None: ...


class BuiltinAnalyser:
    def __init__(
        self,
        influencer_reach: float = 70.0,
        fallback: Fallback | None = None,
        expected_languages: tuple[str, ...] = ("en",),
    ) -> None:
        self._influencer_reach = influencer_reach
        self._fallback = fallback
        self._expected = expected_languages  # Settings.languages

    def language(self, mention: Mention) -> str:
        """The text decides when it is clear; else the source's hint and the languages the
        deployment expects; else `und`."""
        text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
        found = lang.detect(text, mention.language, self._expected)
        if found == lang.UNDETERMINED and self._fallback is not None:
            return self._fallback.detect_language(text) or found
        return found

    def sentiment(self, text: str, language: str) -> tuple[str, float | None]:
        if language in sent.SUPPORTED or self._fallback is None:
            return sent.sentiment(text, language)
        return self._fallback.detect_sentiment(text, language)

    def reach(self, mention: Mention) -> tuple[float | None, bool]:
        """The author's reach score (0-100, None when unknown) and whether it makes them an
        influencer at this deployment's threshold."""
        score = reach_.mention_reach(mention)
        return score, reach_.is_influencer(score, self._influencer_reach)
