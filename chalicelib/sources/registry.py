"""The one list of pull-source connectors. Adding a source is its module plus one line here."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.ports import Connector
from chalicelib.settings import Settings
from chalicelib.sources.appstore import AppStoreConnector
from chalicelib.sources.bluesky import BlueskyConnector
from chalicelib.sources.github import GitHubConnector
from chalicelib.sources.hackernews import HackerNewsConnector
from chalicelib.sources.mastodon import MastodonConnector
from chalicelib.sources.reddit import RedditConnector
from chalicelib.sources.rss import FeedConnector
from chalicelib.sources.stackexchange import StackExchangeConnector
from chalicelib.sources.x import XConnector
from chalicelib.sources.youtube import YouTubeConnector
from chalicelib.webhooks.websub import ChannelConnector

CONNECTORS: dict[str, Callable[[Settings], Connector]] = {
    HackerNewsConnector.kind: HackerNewsConnector,
    FeedConnector.kind: FeedConnector,
    RedditConnector.kind: RedditConnector,
    MastodonConnector.kind: MastodonConnector,
    BlueskyConnector.kind: BlueskyConnector,
    StackExchangeConnector.kind: StackExchangeConnector,
    GitHubConnector.kind: GitHubConnector,
    YouTubeConnector.kind: YouTubeConnector,
    XConnector.kind: XConnector,
    AppStoreConnector.kind: AppStoreConnector,
}
# Push sources: the platform delivers to a webhook. Watches may name them; their poll is a no-op.
PUSH_CONNECTORS: dict[str, Callable[[Settings], Connector]] = {
    ChannelConnector.kind: ChannelConnector,  # YouTube WebSub, chalicelib/webhooks/websub.py
}


class UnknownSourceError(KeyError):
    """A source kind no connector is registered for; a KeyError so lookups read naturally."""

    def __str__(self) -> str:  # KeyError would print the message quoted, as a repr
        return str(self.args[0])


def known_kinds() -> tuple[str, ...]:
    return tuple(sorted(CONNECTORS))


def watchable_kinds() -> tuple[str, ...]:
    """What a watch's `sources` may name: every pull source and every push source."""
    return tuple(sorted({*CONNECTORS, *PUSH_CONNECTORS}))


def target_hints() -> dict[str, str]:
    """Each watchable kind with what its `target` must name ("" when it needs none), from the
    connector's `target_hint`: validation asks for a target exactly where a connector needs one."""
    factories = {**CONNECTORS, **PUSH_CONNECTORS}
    return {kind: str(getattr(factories[kind], "target_hint", "")) for kind in watchable_kinds()}


def connector_for(kind: str, settings: Settings) -> Connector:
    """A new connector of `kind`; each owns an HTTP session, so build one per process and reuse."""
    try:
        factory = CONNECTORS.get(kind) or PUSH_CONNECTORS[kind]
    except KeyError:
        known = ", ".join(known_kinds())
        raise UnknownSourceError(f"unknown source kind {kind!r} (known: {known})") from None
    return factory(settings)
