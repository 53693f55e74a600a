"""moto's server for the soak, with its SQS queue scans made cheap.

moto 5 works out a queue's attributes, approximate message counts included, on every
SendMessage, and each count reads the clock through datetime arithmetic once per message held:
with the thousands of messages a 10,000-mention soak keeps queued, sends and receives cost tens
of milliseconds each and the emulator, not Tidings, set the pace (py-spy: most of its samples in
`Queue.attributes` and `Message.visible`/`delayed`). Here each scan reads the clock once.
Same answers; only the emulator is changed, never Tidings.

Run as `python -m bench.soak.moto_server` with moto.server's arguments.
"""

from __future__ import annotations

import time
from typing import Any

from moto.sqs.models import Queue


def _now_ms() -> float:
    return time.time() * 1000.0  # what moto's unix_time_millis() returns, without datetimes


def _messages(queue: Any) -> list[Any]:
    now = _now_ms()
    return [m for m in queue._messages if now > m.visible_at and not now < m.delayed_until]


def _delayed(queue: Any) -> int:
    now = _now_ms()
    return sum(1 for m in queue._messages if now < m.delayed_until)


def _not_visible(queue: Any) -> int:
    now = _now_ms()
    return sum(1 for m in queue._messages if not now > m.visible_at)


PATCHES: dict[str, property] = {
    "messages": property(_messages),
    "approximate_number_of_messages": property(lambda q: len(_messages(q))),
    "approximate_number_of_messages_delayed": property(_delayed),
    "approximate_number_of_messages_not_visible": property(_not_visible),
}


def patch() -> None:
    for name, value in PATCHES.items():
        setattr(Queue, name, value)


if __name__ == "__main__":
    patch()
    from moto.server import main

    main()
