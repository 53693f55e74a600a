"""The cost benchmark's arithmetic: dollars per million mentions from measured request counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import bench_cost
from bench.bench_cost import SAAS_PLANS, Measured, SaasPlan, breakdown

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
    # Given a $199 plan that includes at most 10,000 mentions a month
    plan = SaasPlan(
        vendor="Vendor",
        plan="Pro",
        usd_per_month=199.0,
        mentions_per_month=10_000,
        billing="annual",
        source="https://vendor.example/pricing",
        quoted_in="a stored copy",
        as_published_on="2026-11-22",
    )

    # Then a million mentions cost 100 such months: price / quota * 1e6
    assert plan.usd_per_million == pytest.approx(19_900.0)


def test_every_published_plan_names_its_page_date_and_quota() -> None:
    assert SAAS_PLANS, "at least one published plan is compared"
    for plan in SAAS_PLANS:
        assert plan.source.startswith("https://")
        assert plan.quoted_in
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", plan.as_published_on)
        assert plan.billing in {"monthly", "annual"}
        assert plan.mentions_per_month > 0
        assert plan.usd_per_month > 0


def test_the_cost_bench_prints_each_plan_next_to_tidings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the figures the other benchmarks measured
    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            {
                "write_units_per_mention": 7.0,
                "read_units_per_mention": 1.0,
                "pipeline_cpu_ms_per_mention": 0.3,
                "import_app_ms": 400.0,
            }
        )
    )
    monkeypatch.setattr(bench_cost, "RESULTS", results)

    # When the cost bench runs
    figures = bench_cost.run()

    # Then every published plan is printed with its price per million, page and date,
    # next to Tidings' own figure
    printed = capsys.readouterr().out
    tidings = f"Tidings ${figures['usd_per_million_mentions']:.2f}"
    for plan in SAAS_PLANS:
        line = next(row for row in printed.splitlines() if f"{plan.vendor} {plan.plan}:" in row)
        assert f"${plan.usd_per_million:,.0f} per million" in line
        assert plan.source in line
        assert plan.as_published_on in line
        assert tidings in line
    assert "no published price" not in printed


def test_polled_mentions_are_priced_at_the_units_a_poll_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "results.json"
    common = {"pipeline_cpu_ms_per_mention": 0.3, "import_app_ms": 400.0}
    results.write_text(
        json.dumps(
            {
                **common,
                "write_units_per_mention_alerted": 7.0,
                "read_units_per_mention": 2.0,
                "write_units_per_mention_alerted_polled": 6.0,
                "read_units_per_mention_polled": 2.0,
            }
        )
    )
    monkeypatch.setattr(bench_cost, "RESULTS", results)

    figures = bench_cost.run()

    # One write unit less a mention is $0.625 less a million on DynamoDB's on-demand price
    assert figures["usd_per_million_mentions_dynamodb"] == pytest.approx(6.0 * 0.625 + 2.0 * 0.125)
