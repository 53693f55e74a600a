from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="module")
def environment_restored() -> Iterator[None]:
    """Chalice's packager sets the stage's environment variables in this very process: tests
    that run after these must not inherit a deployment's settings (its digest sender, say)."""
    from chalicelib.settings import get_settings

    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()
