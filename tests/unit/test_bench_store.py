"""The store benchmark's meter counts request units as AWS bills them."""

from __future__ import annotations

from bench.bench_store import Meter


def test_a_transaction_is_billed_two_write_units_per_item_whatever_the_emulator_says() -> None:
    meter = Meter(on=True)
    items = [
        {"Update": {"TableName": "t1-local-counters"}},
        {"Update": {"TableName": "t1-local-counters"}},
        {"Put": {"TableName": "t1-local-deliveries"}},
    ]
    reported = {"ConsumedCapacity": [{"TableName": "t1-local-counters", "CapacityUnits": 4.0}]}

    meter.record("TransactWriteItems", {"TransactItems": items}, reported)

    assert dict(meter.units) == {
        ("counters", "TransactWriteItems"): 4.0,
        ("deliveries", "TransactWriteItems"): 2.0,
    }
    assert meter.total(writes=True) == 6.0


def test_reads_writes_refused_writes_and_scans_are_told_apart() -> None:
    meter = Meter(on=True)

    meter.record(
        "PutItem", {}, {"ConsumedCapacity": {"TableName": "p-mentions", "CapacityUnits": 2.0}}
    )
    meter.record(
        "Query", {}, {"ConsumedCapacity": {"TableName": "p-stories", "CapacityUnits": 0.5}}
    )
    meter.refused("PutItem", {"TableName": "p-mentions"})
    meter.record("Scan", {"TableName": "p-watches"}, {})

    assert meter.total(writes=True) == 3.0
    assert meter.total(writes=False) == 0.5
    assert meter.scans() == 1


def test_nothing_is_counted_while_the_meter_is_off() -> None:
    meter = Meter()

    meter.record(
        "PutItem", {}, {"ConsumedCapacity": {"TableName": "p-mentions", "CapacityUnits": 1.0}}
    )
    meter.refused("PutItem", {"TableName": "p-mentions"})

    assert meter.total(writes=True) == 0.0
