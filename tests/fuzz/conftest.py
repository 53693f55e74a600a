"""Fuzz and property tests: a bounded hypothesis budget, reproducible in CI.

Profiles: `default` (about 200 examples a property, random each run, failures remembered in
`.hypothesis/`), `ci` (the same budget, derandomised: chosen when `CI` is set) and `long`
(`HYPOTHESIS_PROFILE=long`, 25 times more, for a night's run). The integration fixtures are
re-exported so the HTTP fuzzing runs against the same local stack as `tests/integration`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.integration.conftest import platform, slack, stack

__all__ = ["platform", "slack", "stack"]

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "default", max_examples=200, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "ci", parent=settings.get_profile("default"), derandomize=True, database=None
)
settings.register_profile("long", parent=settings.get_profile("default"), max_examples=5000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
settings.load_profile(PROFILE)
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long profile runs for as long as it needs: no per-test timeout on its tests."""
    if PROFILE == "long":
        for item in items:
            if HERE in Path(str(item.path)).parents:
                item.add_marker(pytest.mark.timeout(0))
