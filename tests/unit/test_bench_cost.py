"""The cost benchmark's arithmetic: dollars per million mentions from measured request counts."""

from __future__ import annotations

import pytest

from bench.bench_cost import Measured, SaasPlan, breakdown

# One full core (1,769 MB): CPU time is wall time.
FULL_CORE = Measured(
    wru_per_mention=4.0, rru_per_mention=2.0, pipeline_cpu_ms=0.0, import_ms=0.0, memory_mb=1769
)


def test_dynamodb_costs_the_measured_units_at_on_demand_prices() -> None:
    # Given 4 write and 2 read units per mention
    costs = breakdown(FULL_CORE, webhook=False)

    # Then a million mentions cost 4M x $0.625/M + 2M x $0.125/M
    assert costs["dynamodb"] == pytest.approx(4 * 0.625 + 2 * 0.125)
    assert costs["sns"] == pytest.approx(0.50)


def test_a_webhook_mention_adds_its_api_request_and_sqs_messages() -> None:
    polled = breakdown(FULL_CORE, webhook=False)
    pushed = breakdown(FULL_CORE, webhook=True)

    assert polled["api_gateway"] == polled["sqs"] == 0
    assert pushed["api_gateway"] == pytest.approx(3.50)
    # one send, and a receive and a delete shared by a batch of 10
    assert pushed["sqs"] == pytest.approx(1.2 * 0.40)


def test_less_memory_means_less_cpu_so_the_same_work_takes_longer() -> None:
    # Given 10 ms of pipeline CPU per mention
    busy = Measured(4.0, 2.0, pipeline_cpu_ms=10.0, import_ms=0.0, memory_mb=1769)
    small = Measured(4.0, 2.0, pipeline_cpu_ms=10.0, import_ms=0.0, memory_mb=256)

    # When costed on a full core and at 256 MB (a seventh of a core, a seventh of the price)
    extra_full = (
        breakdown(busy, webhook=False)["lambda"] - breakdown(FULL_CORE, webhook=False)["lambda"]
    )
    idle_small = Measured(4.0, 2.0, pipeline_cpu_ms=0.0, import_ms=0.0, memory_mb=256)
    extra_small = (
        breakdown(small, webhook=False)["lambda"] - breakdown(idle_small, webhook=False)["lambda"]
    )

    # Then the CPU part costs the same: GB-seconds are memory x time, and time grows as memory
    # shrinks; 10 ms at 1,769 MB is 0.01 s x 1.7275 GB x $0.0000166667 per mention
    assert extra_full == pytest.approx(0.01 * 1769 / 1024 * 0.0000166667 * 1e6)
    assert extra_small == pytest.approx(extra_full)


def test_a_saas_plan_price_per_million_mentions() -> None:
    plan = SaasPlan("Vendor", "Pro", 199.0, 10_000, "https://vendor.example/pricing", "2026-11-22")

    assert plan.usd_per_million == pytest.approx(19_900.0)
