"""A counting transaction cancelled only because another one held an hour cell wrote nothing,
so it is tried again; any other cancellation is not retried here."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError

from chalicelib.store import counters


class _CancelledError(TransactWriteError):
    """As pynamodb raises it for a TransactionCanceledException with these reasons."""

    def __init__(self, *codes: str | None) -> None:
        super().__init__("transaction cancelled")
        self._reasons = [None if c is None else CancellationReason(code=c) for c in codes]

    @property
    def cancellation_reasons(self) -> list[CancellationReason | None]:
        return self._reasons


def test_only_conflicts_are_told_apart_from_a_refused_condition() -> None:
    assert counters._only_conflicts(_CancelledError(None, "TransactionConflict"))
    assert not counters._only_conflicts(
        _CancelledError("TransactionConflict", "ConditionalCheckFailed")
    )
    assert not counters._only_conflicts(_CancelledError("None", None))


class _Conflicting:
    """A TransactWrite whose first `conflicts` commits another transaction beats."""

    def __init__(self, conflicts: int) -> None:
        self.conflicts = conflicts
        self.commits = 0

    def __call__(self, **_: Any) -> _Conflicting:
        return self

    def __enter__(self) -> _Conflicting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.commits += 1
        if self.commits <= self.conflicts:
            raise _CancelledError(None, "TransactionConflict")

    def update(self, *args: Any, **kwargs: Any) -> None: ...
    def save(self, *args: Any, **kwargs: Any) -> None: ...


def test_a_conflicting_transaction_is_tried_again_until_it_commits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transaction = _Conflicting(conflicts=2)
    waits: list[float] = []
    monkeypatch.setattr(counters, "TransactWrite", transaction)
    monkeypatch.setattr(counters, "connection_of", lambda model: None)
    monkeypatch.setattr(counters, "_sleep", waits.append)

    counters._transact([], cast(Any, None))

    assert transaction.commits == 3
    assert len(waits) == 2


def test_conflicts_past_the_tries_reach_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(counters, "TransactWrite", _Conflicting(conflicts=99))
    monkeypatch.setattr(counters, "connection_of", lambda model: None)
    monkeypatch.setattr(counters, "_sleep", lambda s: None)

    with pytest.raises(TransactWriteError):
        counters._transact([], cast(Any, None))
