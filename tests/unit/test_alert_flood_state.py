"""The flood-control item: the same state back after a round trip, and one write unit in size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.alerts.flood import FloodState, Held
from chalicelib.store.alerts import flood_item, state_from_dict, state_to_dict

NOW = datetime(2026, 11, 21, 12, 3, 7, 123456, tzinfo=UTC)


def item_bytes(serialised: dict[str, dict[str, Any]]) -> int:
    """DynamoDB's item size: each attribute's name plus its value (numbers about 1 byte per
    two digits), which is what one write unit per KB is charged on."""
    size = 0
    for name, value in serialised.items():
        ((kind, data),) = value.items()
        size += len(name.encode())
        size += len(str(data)) // 2 + 1 if kind == "N" else len(str(data).encode())
    return size


def held(n: int, headline_chars: int) -> Held:
    """A held alert as the notifier keeps it: a story key, a headline, a link, a reach."""
    story = f"20261121T1203{n:02d}Z.9f2c4e1a7b3d5e6f{n:04d}"
    text = ("Switched our brand monitoring to Acme after the outage last week " * 5)[
        : headline_chars - 30
    ]
    return Held(
        alert_id=f"acme-launch:{story}#slack",
        headline=f"[acme-launch] Maya Lindqvist on reddit: {text}"[:headline_chars],
        url=f"https://www.reddit.com/r/acme/comments/1h{n:05d}/switched_our_brand_monitoring/",
        reach=25_000.0 / (n + 1),
    )


def holding(count: int, headline_chars: int) -> FloodState:
    return FloodState(
        window_start=NOW,
        sent=5,
        held_count=count,
        top=tuple(held(n, headline_chars) for n in range(min(count, 3))),
        first_held_at=NOW + timedelta(seconds=41),
        version=17,
    )


def size_of(state: FloodState) -> int:
    return item_bytes(flood_item("acme-launch", "slack", state).serialize())


def test_a_state_comes_back_the_same_from_its_item() -> None:
    # Given a scope holding a batch through quiet hours, times to the microsecond
    state = FloodState(
        window_start=NOW,
        sent=5,
        held_count=9,
        top=(held(0, 140), held(1, 90)),
        first_held_at=NOW + timedelta(minutes=3),
        quiet=True,
        version=4,
    )

    # When it is stored and read back
    stored = state_to_dict(state, "acme-launch", "slack")
    back = state_from_dict(stored, 4, "acme-launch", "slack")

    # Then nothing changed, though the item left out what its key says
    assert back == state
    assert stored["t"][0][0].startswith(":2026")
    assert stored["t"][0][1].startswith("]Maya")


def test_a_state_written_with_the_long_names_still_reads() -> None:
    # Given a flood item written before the compact shape
    stored = {
        "window_start": NOW.isoformat(),
        "sent": 5,
        "held_count": 2,
        "top": [["acme:x#slack", "[acme] Ann on x: Acme!", "https://x.example/1", 40.0]],
        "first_held_at": (NOW + timedelta(minutes=1)).isoformat(),
        "quiet": False,
    }

    # When it is read
    state = state_from_dict(stored, version=3)

    # Then it is the state it was
    assert state == FloodState(
        window_start=NOW,
        sent=5,
        held_count=2,
        top=(Held("acme:x#slack", "[acme] Ann on x: Acme!", "https://x.example/1", 40.0),),
        first_held_at=NOW + timedelta(minutes=1),
        version=3,
    )


def test_the_common_states_fit_in_one_write_unit() -> None:
    # Given an idle scope, one that sent a few alerts, and ones holding a small batch with
    # headlines of a tweet's length and of a long title
    idle = FloodState()
    sending = FloodState(window_start=NOW, sent=3, version=3)

    # When their items are measured as DynamoDB bills them
    sizes = {
        "idle": size_of(idle),
        "sending": size_of(sending),
        "one held": size_of(holding(1, 200)),
        "three held, 140-character headlines": size_of(holding(14, 140)),
        "three held, 300-character headlines": size_of(holding(14, 300)),
    }

    # Then each is under 1 KB, and one not holding anything is a few dozen bytes
    assert all(size < 1024 for size in sizes.values()), sizes
    assert sizes["sending"] < 100


def test_only_a_burst_of_long_headlines_is_cut_and_never_below_a_tweet() -> None:
    # Given a scope holding three alerts with 140-character headlines, and one with 300
    short, long = holding(14, 140), holding(14, 300)

    # When each is written and read back
    short_back = state_from_dict(
        dict(flood_item("acme-launch", "slack", short).state), 18, "acme-launch", "slack"
    )
    long_back = state_from_dict(
        dict(flood_item("acme-launch", "slack", long).state), 18, "acme-launch", "slack"
    )

    # Then the short headlines come back whole, and the long ones cut to between 140 and 300
    # characters, marked, with the rest of the state (count, links, ids, reach) intact
    assert short_back.top == short.top
    for before, after in zip(long.top, long_back.top, strict=True):
        assert 140 <= len(after.headline) < 300
        assert after.headline.endswith("…")
        assert before.headline.startswith(after.headline[:-1])
        assert (after.alert_id, after.url, after.reach) == (
            before.alert_id,
            before.url,
            before.reach,
        )
    assert long_back.held_count == 14
