"""Cool-downs and once-only sends on DynamoDB, as items of the usage table (no extra table).

`acquire` is one conditional update: it succeeds when no marker exists for the scope or the
marker has expired (TTL deletes expired items lazily, so the condition checks the time too).
Two concurrent spike checks therefore alert once, and a retried digest run sends once.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.store.tables import CONDITION_FAILED, UsageModel


class DynamoCooldowns:
    def acquire(self, scope: str, now: datetime, until: datetime) -> bool:
        try:
            UsageModel(scope).update(
                actions=[UsageModel.used.set(1), UsageModel.expires_at.set(until)],
                condition=UsageModel.expires_at.does_not_exist() | (UsageModel.expires_at <= now),
            )
        except UpdateError as error:
            if error.cause_response_code == CONDITION_FAILED:
                return False
            raise
        return True

    def release(self, scope: str) -> None:
        """Give the scope back when the alert could not be delivered, so the next run retries."""
        try:
            UsageModel(scope).delete()
        except DeleteError:
            return
