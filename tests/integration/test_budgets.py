"""API budgets on DynamoDB Local: the conditional ADD holds the limit, also under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.local.stack import LocalStack
from chalicelib.sources.access import x_allowance
from chalicelib.store.budgets import DynamoBudgetRepository

pytestmark = pytest.mark.integration
EXPIRES = datetime.now(UTC) + timedelta(days=40)


def test_spending_stops_at_the_limit_and_a_refund_makes_room(stack: LocalStack) -> None:
    budgets = DynamoBudgetRepository()

    assert budgets.spend("x#acme#2026-11", 60, 100, EXPIRES) is True
    assert budgets.spend("x#acme#2026-11", 40, 100, EXPIRES) is True
    assert budgets.spend("x#acme#2026-11", 1, 100, EXPIRES) is False
    assert budgets.used("x#acme#2026-11") == 100

    budgets.refund("x#acme#2026-11", 30)

    assert budgets.spend("x#acme#2026-11", 30, 100, EXPIRES) is True
    assert budgets.spend("x#acme#2026-11", 1, 100, EXPIRES) is False
    assert budgets.used("x#other#2026-11") == 0


def test_concurrent_polls_cannot_overspend(stack: LocalStack) -> None:
    budgets = DynamoBudgetRepository()

    with ThreadPoolExecutor(max_workers=8) as pool:
        granted = list(
            pool.map(lambda _: budgets.spend("youtube#2026-11-21", 100, 1000, EXPIRES), range(24))
        )

    assert granted.count(True) == 10
    assert budgets.used("youtube#2026-11-21") == 1000


def test_an_allowance_names_its_month_and_says_when_it_is_used_up(stack: LocalStack) -> None:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    allowance = x_allowance("acme", 50, DynamoBudgetRepository(), now)

    assert allowance.take(50) is True
    assert allowance.take(1) is False
    assert allowance.remaining() == 0
    assert str(allowance.error()) == (
        "x: X monthly read budget of 50 posts for watch acme used up until 2026-12-01"
    )
