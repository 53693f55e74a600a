"""API budgets on DynamoDB: one item per scope, spent with a conditional ADD so that concurrent
polls together can never take a scope past its limit (the check and the add are one write)."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.store.tables import CONDITION_FAILED, UsageModel


class DynamoBudgetRepository:
    def spend(self, scope: str, amount: int, limit: int, expires_at: datetime) -> bool:
        if amount <= 0:
            return True
        if amount > limit:
            return False
        try:
            UsageModel(scope).update(
                actions=[UsageModel.used.add(amount), UsageModel.expires_at.set(expires_at)],
                condition=UsageModel.used.does_not_exist() | (UsageModel.used <= limit - amount),
            )
        except UpdateError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True

    def refund(self, scope: str, amount: int) -> None:
        """Give back what a request reserved but did not use (X bills per post returned)."""
        if amount <= 0:
            return
        try:
            UsageModel(scope).update(
                actions=[UsageModel.used.add(-amount)], condition=UsageModel.used.exists()
            )
        except UpdateError as error:  # the scope expired meanwhile: nothing to give back
            if error.cause_response_code != CONDITION_FAILED:
                raise

    def used(self, scope: str) -> int:
        try:
            return int(UsageModel.get(scope, consistent_read=True).used)
        except UsageModel.DoesNotExist:
            return 0
