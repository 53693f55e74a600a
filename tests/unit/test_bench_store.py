"""The store benchmark's meter counts request units as AWS bills them."""

from __future__ import annotations

from bench import bench_store
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


def test_alert_tables_are_split_from_the_store_path_and_alerts_are_counted() -> None:
    # Given a mention stored, its alert claimed and finished with flood control, a batch claimed
    meter = Meter(on=True)

    def put(table: str, units: float, key: str = "") -> None:
        kwargs = {"TableName": f"p-{table}", "Item": {"delivery_key": {"S": key}}}
        meter.record(
            "PutItem",
            kwargs,
            {"ConsumedCapacity": {"TableName": f"p-{table}", "CapacityUnits": units}},
        )

    put("mentions", 2.0)
    put("alert_deliveries", 1.0, "acme:story#slack")
    meter.record(
        "UpdateItem",
        {"TableName": "p-alert_deliveries"},
        {"ConsumedCapacity": {"TableName": "p-alert_deliveries", "CapacityUnits": 1.0}},
    )
    put("alert_state", 1.0)
    put("alert_deliveries", 1.0, "batch:acme:2026-11-21T12:00:00+00:00#slack")

    # When the figures are taken
    figures = bench_store.figures(meter, stored=1, suffix="")

    # Then the store path holds the mention only, the alert its four writes, the total all
    assert figures["write_units_per_mention"] == 2.0
    assert meter.alerts == 1
    assert figures["write_units_per_alert"] == 4.0
    assert figures["write_units_per_mention_alerted"] == 6.0
