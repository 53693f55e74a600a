"""Which of a watch's rules a new mention fires, and on which channels.

Rules are evaluated once, for new mentions only (the pipeline publishes only what it claimed).
Urgent-term rules compile their queries with the same matcher as watches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chalicelib.domain.alerts.settings import AlertRule, AlertSettings
from chalicelib.domain.models import WatchMention
from chalicelib.domain.query import CompiledSet, Document, parse


@dataclass(frozen=True)
class Fired:
    """The rules a mention fired and the channels they ask for, in settings order."""

    rules: tuple[str, ...]
    channels: tuple[str, ...]


@lru_cache(maxsize=256)
def _urgent(query: str) -> CompiledSet:
    return CompiledSet([("urgent", parse(query))])


def fires(rule: AlertRule, item: WatchMention) -> bool:
    if rule.kind == "every":
        return True
    if rule.kind == "negative":
        return item.sentiment == "negative"
    if rule.kind == "influential":
        return item.influencer or (item.reach_score or 0.0) >= rule.min_reach
    if rule.kind == "sources":
        return item.mention.source in rule.sources
    if rule.kind == "languages":
        return item.language.lower() in rule.languages
    if rule.kind == "urgent":
        return bool(_urgent(rule.query).match(Document.of(item.mention, item.language)))
    return False


def evaluate(settings: AlertSettings, item: WatchMention) -> Fired:
    fired = [rule for rule in settings.rules if fires(rule, item)]
    channels = dict.fromkeys(c for rule in fired for c in rule.channels)
    return Fired(rules=tuple(r.name for r in fired), channels=tuple(channels))


def sns_filter_policy(rule: AlertRule, watch_id: str) -> dict[str, list[object]] | None:
    """The SNS subscription filter policy equivalent to a rule, where one exists (None for
    urgent terms, which need the matcher). Keys are the message attributes of a mention."""
    base: dict[str, list[object]] = {"watch": [watch_id]}
    if rule.kind == "every":
        return base
    if rule.kind == "negative":
        return {**base, "sentiment": ["negative"]}
    if rule.kind == "influential":
        return {**base, "reach": [{"numeric": [">=", rule.min_reach]}]}
    if rule.kind == "sources":
        return {**base, "source": [*rule.sources]}
    if rule.kind == "languages":
        return {**base, "language": [*rule.languages]}
    return None
