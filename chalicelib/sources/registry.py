"""The one list of pull-source connectors. Adding a source is its module plus one line here."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.ports import Connector
from chalicelib.settings import Settings
from chalicelib.sources.hackernews import HackerNewsConnector
from chalicelib.sources.rss import FeedConnector

CONNECTORS: dict[str, Callable[[Settings], Connector]] = {
    HackerNewsConnector.kind: HackerNewsConnector,
    FeedConnector.kind: FeedConnector,
}


class UnknownSourceError(KeyError):
    """A source kind no connector is registered for; a KeyError so lookups read naturally."""

    def __str__(self) -> str:  # KeyError would print the message quoted, as a repr
        return str(self.args[0])


def known_kinds() -> tuple[str, ...]:
    return tuple(sorted(CONNECTORS))


def connector_for(kind: str, settings: Settings) -> Connector:
    """A new connector of `kind`; each owns an HTTP session, so build one per process and reuse."""
    try:
        factory = CONNECTORS[kind]
    except KeyError:
        known = ", ".join(known_kinds())
        raise UnknownSourceError(f"unknown source kind {kind!r} (known: {known})") from None
    return factory(settings)
