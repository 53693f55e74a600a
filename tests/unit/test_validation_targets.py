"""A watch naming a source that needs a target (an instance, an app, a site, a feed, a channel)
is refused with a message saying what the target must be; the list comes from the connectors."""

from __future__ import annotations

import pytest

from chalicelib.domain.validation import watch_from_input
from chalicelib.errors import ValidationError
from chalicelib.sources.registry import target_hints, watchable_kinds

NEEDING = ("mastodon", "appstore", "stackexchange", "rss", "youtube_channel")


def test_the_connectors_say_which_kinds_need_a_target() -> None:
    hints = target_hints()

    assert set(hints) == set(watchable_kinds())
    assert {kind for kind, hint in hints.items() if hint} == set(NEEDING)


@pytest.mark.parametrize("kind", NEEDING)
def test_a_source_without_its_target_is_refused_with_what_to_give(kind: str) -> None:
    data = {"id": "acme", "query": "Acme", "sources": [{"kind": kind}]}

    with pytest.raises(ValidationError) as refused:
        watch_from_input(data, target_hints())

    assert str(refused.value) == f"sources[0]: {kind} needs a target: {target_hints()[kind]}"


def test_a_source_named_with_its_target_is_accepted() -> None:
    data = {
        "id": "acme",
        "query": "Acme",
        "sources": [{"kind": "mastodon", "target": "mastodon.social"}, "hackernews"],
    }

    watch = watch_from_input(data, target_hints())

    assert [(s.kind, s.target) for s in watch.sources] == [
        ("mastodon", "mastodon.social"),
        ("hackernews", ""),
    ]
