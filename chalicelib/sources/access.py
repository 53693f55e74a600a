"""Credentials and budgets for the sources that need them, with health-friendly errors.

A missing or rejected credential and a used-up budget are not worth retrying: each becomes a
non-transient `SourceError` whose `reason` (credentials, budget) health shows, with one line
saying what to do. Budgets are spent before a request, through the atomic `BudgetRepository`,
so concurrent polls cannot overspend between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from chalicelib.domain.models import Watch
from chalicelib.domain.ports import BudgetRepository
from chalicelib.errors import SourceError
from chalicelib.observability import count_for_source, logger
from chalicelib.settings import Settings


def rejected(error: SourceError, source: str, parameter: str) -> SourceError:
    """A 401/403 from the platform as a credentials error; any other error unchanged.

    `HttpClient` raises 4xx other than 429 without retrying, worded "... answered 401 ...".
    """
    text = str(error)
    for status in ("401", "403"):
        if f"answered {status} " in text:
            count_for_source("SourceCredentialsRejected", source)
            logger.error("source credentials rejected", source=source, status=status)
            return SourceError(
                source,
                f"credentials rejected ({status}): check SSM parameter {parameter}",
                transient=False,
                reason="credentials",
            )
    return error


def _pacific() -> tzinfo:
    """YouTube quota resets at midnight Pacific Time."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Los_Angeles")
    except Exception:  # no tz database on the host: standard time is close enough
        return timezone(timedelta(hours=-8))


@dataclass(frozen=True)
class Allowance:
    """One budget scope: what may be spent, until when, and how to say it ran out."""

    source: str
    scope: str
    limit: int
    resets_at: datetime
    exhausted: str  # the health message when it is used up
    repo: BudgetRepository

    def take(self, amount: int) -> bool:
        ok = self.repo.spend(self.scope, amount, self.limit, self.resets_at + timedelta(days=2))
        if ok:
            count_for_source("BudgetUsed", self.source, amount)
        else:
            count_for_source("BudgetExhausted", self.source)
            logger.warning("source budget exhausted", source=self.source, scope=self.scope)
        return ok

    def give_back(self, amount: int) -> None:
        if amount > 0:
            self.repo.refund(self.scope, amount)

    def remaining(self) -> int:
        return max(0, self.limit - self.repo.used(self.scope))

    def error(self) -> SourceError:
        return SourceError(self.source, self.exhausted, transient=False, reason="budget")


def youtube_allowance(limit: int, repo: BudgetRepository, now: datetime) -> Allowance:
    """The project's daily quota: one scope per Pacific day, shared by every watch."""
    local = now.astimezone(_pacific())
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return Allowance(
        source="youtube",
        scope=f"youtube#{local:%Y-%m-%d}",
        limit=limit,
        resets_at=midnight.astimezone(UTC),
        exhausted=(
            f"YouTube daily quota of {limit} units used up until {midnight:%Y-%m-%d} 00:00 Pacific"
        ),
        repo=repo,
    )


def x_allowance(watch_id: str, limit: int, repo: BudgetRepository, now: datetime) -> Allowance:
    """A watch's monthly post reads (X bills each post returned): one scope per UTC month."""
    now = now.astimezone(UTC)
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return Allowance(
        source="x",
        scope=f"x#{watch_id}#{now:%Y-%m}",
        limit=limit,
        resets_at=next_month,
        exhausted=(
            f"X monthly read budget of {limit} posts for watch {watch_id} used up until "
            f"{next_month:%Y-%m-%d}"
        ),
        repo=repo,
    )


def default_budgets() -> BudgetRepository:
    """The DynamoDB budgets (tables are bound by `services()`, which every handler calls)."""
    from chalicelib.store.budgets import DynamoBudgetRepository

    return DynamoBudgetRepository()


def budget_report(
    watches: Iterable[Watch], settings: Settings, repo: BudgetRepository, now: datetime
) -> list[dict[str, Any]]:
    """Use of each budget the watches draw on, for `/health` and `tidings health`."""
    allowances: list[tuple[str | None, Allowance]] = []
    kinds = {(w.id, s.kind) for w in watches if w.enabled for s in w.sources}
    if any(kind == "youtube" for _, kind in kinds):
        allowances.append((None, youtube_allowance(settings.youtube_daily_quota_units, repo, now)))
    for watch_id, kind in sorted(kinds):
        if kind == "x":
            allowances.append(
                (watch_id, x_allowance(watch_id, settings.x_monthly_reads_per_watch, repo, now))
            )
    return [
        {
            "source": a.source,
            "watch_id": watch_id,
            "scope": a.scope,
            "used": (used := repo.used(a.scope)),
            "limit": a.limit,
            "unit": "units" if a.source == "youtube" else "posts",
            "resets_at": a.resets_at.isoformat(),
            "exhausted": used >= a.limit,
        }
        for watch_id, a in allowances
    ]
