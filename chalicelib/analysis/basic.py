"""The analyser the foundation ships: it trusts what the source says about language and scores
no sentiment rather than guessing. The analysis issue replaces it with real models."""

from __future__ import annotations

from chalicelib.domain.models import Mention


class SourceHintAnalyser:
    def language(self, mention: Mention) -> str:
        hint = (mention.language or "").strip().lower()
        return hint.split("-")[0] if hint else "und"

    def sentiment(self, text: str, language: str) -> tuple[str, float | None]:
        return "unscored", None
