"""The soak's emulator tweak: moto's SQS scans with one clock read give moto's own answers."""

from __future__ import annotations

from typing import Any

from moto.sqs.models import Queue, SQSBackend

from bench.soak.moto_server import PATCHES


def answers(queue: Queue, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        name: [m.id for m in value] if name == "messages" else value
        for name, prop in properties.items()
        for value in [prop.fget(queue)]
    }


def test_queue_counts_and_visible_messages_are_moto_s_own() -> None:
    originals = {name: Queue.__dict__[name] for name in PATCHES}
    backend = SQSBackend("us-east-1", "123456789012")
    queue = backend.create_queue("jobs")
    # Given messages in each state: visible, in flight (received) and delayed
    for body in ("a", "b", "c"):
        backend.send_message("jobs", body)
    backend.send_message("jobs", "later", delay_seconds=60)
    backend.receive_message("jobs", 1, wait_seconds_timeout=0, visibility_timeout=30)

    # Then the patched scans answer exactly as moto's
    patched = answers(queue, PATCHES)
    assert patched == answers(queue, originals)
    assert patched["approximate_number_of_messages"] == 2
    assert patched["approximate_number_of_messages_not_visible"] == 1
    assert patched["approximate_number_of_messages_delayed"] == 1
