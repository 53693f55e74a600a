"""Amazon Comprehend for what the builtin analyser cannot do: languages it has no sentiment
rules for, and texts whose language it cannot tell. Switched on per deployment
(`TIDINGS_SENTIMENT_BACKEND=comprehend`): it is paid per request, so English and German stay
builtin. A failed call leaves the mention unscored rather than failing the batch.
"""

from __future__ import annotations

from typing import Any

from chalicelib.aws.clients import client
from chalicelib.observability import logger

# Languages Comprehend's DetectSentiment accepts (the API's LanguageCode values).
SENTIMENT_LANGUAGES = frozenset(
    {"ar", "hi", "ko", "zh", "zh-TW", "ja", "fr", "es", "it", "pt", "de", "en"}
)
MAX_BYTES = 4800  # DetectSentiment refuses more than 5,000 bytes of UTF-8
MIN_LANGUAGE_SCORE = 0.5
_LABELS = {"POSITIVE": "positive", "NEGATIVE": "negative", "NEUTRAL": "neutral", "MIXED": "neutral"}


def _clip(text: str) -> str:
    data = text.encode("utf-8")[:MAX_BYTES]
    return data.decode("utf-8", errors="ignore")


class ComprehendClient:
    """The two Comprehend calls Tidings makes, with its answers mapped to Tidings' words."""

    def __init__(self, comprehend: Any = None) -> None:
        self._client = comprehend

    @property
    def _comprehend(self) -> Any:
        if self._client is None:
            self._client = client("comprehend")
        return self._client

    def detect_sentiment(self, text: str, language: str) -> tuple[str, float | None]:
        """(label, positive - negative) or `("unscored", None)` when Comprehend cannot say."""
        if language not in SENTIMENT_LANGUAGES or not text.strip():
            return "unscored", None
        try:
            reply = self._comprehend.detect_sentiment(Text=_clip(text), LanguageCode=language)
        except Exception as error:
            logger.warning(
                "comprehend sentiment failed", error=type(error).__name__, language=language
            )
            return "unscored", None
        label = _LABELS.get(str(reply.get("Sentiment")), "")
        if not label:
            return "unscored", None
        scores = reply.get("SentimentScore") or {}
        score = float(scores.get("Positive", 0.0)) - float(scores.get("Negative", 0.0))
        return label, round(score, 4)

    def detect_language(self, text: str) -> str | None:
        """The dominant language's code when Comprehend is reasonably sure, else None."""
        if not text.strip():
            return None
        try:
            reply = self._comprehend.detect_dominant_language(Text=_clip(text))
        except Exception as error:
            logger.warning("comprehend language failed", error=type(error).__name__)
            return None
        candidates = reply.get("Languages") or []
        best = max(candidates, key=lambda c: float(c.get("Score", 0.0)), default=None)
        if best is None or float(best.get("Score", 0.0)) < MIN_LANGUAGE_SCORE:
            return None
        return str(best.get("LanguageCode")) or None
