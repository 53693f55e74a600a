"""Dollars per million mentions on AWS, from the figures the other benchmarks measured (read from
bench/results.json, so `python -m bench` runs this one last) and public us-east-1 list prices.

The mention costed: new, matching one watch, stored, counted and alerted once in Slack. Polled
(the poll jobs themselves are the fixed monthly cost, see README "What it costs"), or pushed by
the generic webhook (an API Gateway request and its SQS messages on top). Storage and the fixed
part (alarms, metrics, dashboard, KMS, the schedule) are left out: they do not grow per mention.

Measured: DynamoDB write and read units per mention (`write_units_per_mention_alerted`, else
`write_units_per_mention`, and `read_units_per_mention` from bench_store, with `_polled` for
polled mentions; when absent, the
README's hand count, said so in the output), the pipeline's CPU time per mention
(bench_pipeline) and the import of the Lambda entry module (bench_import_time), at the memory
infra configures (`MEMORY_MB` in infra/stack.py).
Assumed (no AWS here to measure them): the I/O waits below, one cold start per
`INVOCATIONS_PER_COLD_START` notifier invocations, and the log volume per mention.

Printed next to it: the published price per million of the SaaS leaders' plans (`SAAS_PLANS`),
their monthly price over the mentions they include, with the page and the date it was read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"

# AWS list prices, us-east-1, as published on the AWS pricing pages in 2025 (after DynamoDB's
# November 2024 on-demand cut), the same as README "What it costs"; not re-checked on
# 2026-11-22, when this was written: check them before relying on the figure.
LAMBDA_USD_PER_REQUEST = 0.20 / 1e6
LAMBDA_USD_PER_GB_S = 0.0000166667  # x86
DYNAMODB_USD_PER_WRU = 0.625 / 1e6  # on-demand
DYNAMODB_USD_PER_RRU = 0.125 / 1e6
SQS_USD_PER_REQUEST = 0.40 / 1e6  # standard
SNS_USD_PER_PUBLISH = 0.50 / 1e6  # delivery to Lambda is free
API_GATEWAY_USD_PER_REQUEST = 3.50 / 1e6  # REST
LOGS_USD_PER_GB = 0.50 + 0.03  # ingested, plus a month stored

# Lambda gives a function CPU in proportion to memory: one full vCPU at 1,769 MB.
MB_PER_VCPU = 1769
# Assumptions, stated because they are not measured here.
DYNAMODB_MS_PER_REQUEST = 8.0  # a round trip in the same region
WORKER_REQUESTS_PER_MENTION = 3.0  # conditional put, author item, share of the batch's writes
NOTIFIER_REQUESTS_PER_MENTION = 3.0  # delivery claim, flood state read and write
SNS_PUBLISH_MS = 20.0
SLACK_POST_MS = 150.0
INVOCATIONS_PER_COLD_START = 100  # init is billed (managed runtimes, since August 2025)
SQS_BATCH = 10  # the ingest worker's batch: one receive and one delete call per batch
LOG_KB_PER_MENTION = 2.0

# The README's hand count, used when bench_store has not measured the units: the mention (2),
# the counter transaction (2), the author item (1), the alert's claim and flood state (3).
FALLBACK_WRU_PER_MENTION = 8.0
FALLBACK_RRU_PER_MENTION = 1.0


@dataclass(frozen=True)
class Measured:
    wru_per_mention: float
    rru_per_mention: float
    pipeline_cpu_ms: float  # per mention, on one full core
    import_ms: float  # the Lambda entry module, on one full core
    memory_mb: int


@dataclass(frozen=True)
class SaasPlan:
    """A published plan: its monthly price and the mentions it includes a month.

    The quota is a cap, not usage: a customer who collects fewer mentions pays the same, so the
    price per million is the best case for the vendor (price / quota * 1e6).
    """

    vendor: str
    plan: str
    usd_per_month: float
    mentions_per_month: int
    billing: str  # "monthly" or "annual" (the monthly rate of a yearly contract)
    source: str  # the vendor's own page the figures are published on
    quoted_in: str  # the dated stored copy that was read (no live web here)
    as_published_on: str  # the date the copy says the page was read

    @property
    def usd_per_million(self) -> float:
        return self.usd_per_month / self.mentions_per_month * 1e6


# The SaaS leaders' published plans, each read on 2026-11-22 from a stored, dated copy of the
# vendor's page (the machine has no live web), never from memory:
# - Brand24 Team: $349 a month billed monthly, $299 billed annually, 10,000 mentions a month, on
#   https://brand24.com/prices/ as captured in a full-page screenshot on 2026-09-02 (second
#   capture 2026-09-04), recorded in github.com/caiotheodoro/sonar results/incumbent/README.md.
#   The same capture lists Individual $249, Pro $499, Business $699 (billed monthly) and
#   Enterprise from $1,499, without their quotas.
# - Brand24 Business: $599 a month billed annually, 25 keywords and 100,000 mentions a month, on
#   the same page, "verified 2026-08-23" in github.com/Martoon196/relaunch72
#   docs/codex-handoff/17-WHITE-LABEL-PROVIDER-MATRIX.md.
# Annual rates are used: the cheaper reading of each plan.
# No price is published by Talkwalker (talkwalker.com/pricing: every tier is "get a custom
# quote"), Brandwatch (brandwatch.com/plans: demo requests only) or Meltwater (quotes through
# sales); Mention (mention.com/en/pricing) publishes one Company plan with no mention quota;
# Mentionlytics publishes quotas (5,000 to 200,000 a month) in its help centre but no price was
# found in a stored copy. See README "What it costs" for the pages and their dates.
SAAS_PLANS: tuple[SaasPlan, ...] = (
    SaasPlan(
        vendor="Brand24",
        plan="Team",
        usd_per_month=299.0,
        mentions_per_month=10_000,
        billing="annual",
        source="https://brand24.com/prices/",
        quoted_in="github.com/caiotheodoro/sonar results/incumbent/README.md",
        as_published_on="2026-09-02",
    ),
    SaasPlan(
        vendor="Brand24",
        plan="Business",
        usd_per_month=599.0,
        mentions_per_month=100_000,
        billing="annual",
        source="https://brand24.com/prices/",
        quoted_in=(
            "github.com/Martoon196/relaunch72 docs/codex-handoff/17-WHITE-LABEL-PROVIDER-MATRIX.md"
        ),
        as_published_on="2026-08-23",
    ),
)


def _cpu_scaled(ms_on_one_core: float, memory_mb: int) -> float:
    """Wall milliseconds at this memory size for work that takes `ms_on_one_core` on a core."""
    return ms_on_one_core * max(1.0, MB_PER_VCPU / memory_mb)


def breakdown(m: Measured, *, webhook: bool) -> dict[str, float]:
    """Dollars per million mentions, by service."""
    gb = m.memory_mb / 1024
    worker_ms = (
        _cpu_scaled(m.pipeline_cpu_ms, m.memory_mb)
        + WORKER_REQUESTS_PER_MENTION * DYNAMODB_MS_PER_REQUEST
        + SNS_PUBLISH_MS / SQS_BATCH  # one publish call per batch
    )
    notifier_ms = (
        _cpu_scaled(m.import_ms, m.memory_mb) / INVOCATIONS_PER_COLD_START
        + NOTIFIER_REQUESTS_PER_MENTION * DYNAMODB_MS_PER_REQUEST
        + SLACK_POST_MS
    )
    worker_requests = 1 / SQS_BATCH  # the poll worker's share, or the ingest worker's batch
    lambda_usd = (worker_ms + notifier_ms) / 1000 * gb * LAMBDA_USD_PER_GB_S + (
        1 + worker_requests
    ) * LAMBDA_USD_PER_REQUEST
    costs = {
        "lambda": lambda_usd,
        "dynamodb": m.wru_per_mention * DYNAMODB_USD_PER_WRU
        + m.rru_per_mention * DYNAMODB_USD_PER_RRU,
        "sns": SNS_USD_PER_PUBLISH,
        "logs": LOG_KB_PER_MENTION / 1024 / 1024 * LOGS_USD_PER_GB,
        "sqs": (1 + 2 / SQS_BATCH) * SQS_USD_PER_REQUEST if webhook else 0.0,
        "api_gateway": API_GATEWAY_USD_PER_REQUEST if webhook else 0.0,
    }
    return {name: usd * 1e6 for name, usd in costs.items()}


def memory_mb() -> int:
    """The functions' memory as infra configures it (read, not imported: no CDK needed)."""
    found = re.search(r"^MEMORY_MB = (\d+)", (ROOT / "infra" / "stack.py").read_text(), re.M)
    return int(found.group(1)) if found else 256


def _measured(results: dict[str, float], how: str = "") -> tuple[Measured, list[str]]:
    """The inputs for pushed mentions (`how` ""), or polled ones ("_polled")."""
    notes: list[str] = []
    # The alerted total (every mention alerted to Slack), not the store path alone: conservative.
    wru = results.get(
        f"write_units_per_mention_alerted{how}", results.get(f"write_units_per_mention{how}")
    )
    rru = results.get(f"read_units_per_mention{how}")
    if wru is None or rru is None:
        notes.append("DynamoDB units: the README's hand count (run `python -m bench store`)")
    missing = [k for k in ("pipeline_cpu_ms_per_mention", "import_app_ms") if k not in results]
    if missing:
        raise LookupError(
            f"bench/results.json lacks {', '.join(missing)}: run `python -m bench` first"
        )
    measured = Measured(
        wru_per_mention=FALLBACK_WRU_PER_MENTION if wru is None else wru,
        rru_per_mention=FALLBACK_RRU_PER_MENTION if rru is None else rru,
        pipeline_cpu_ms=results["pipeline_cpu_ms_per_mention"],
        import_ms=results["import_app_ms"],
        memory_mb=memory_mb(),
    )
    return measured, notes


def run() -> dict[str, float]:
    results: dict[str, float] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    try:
        measured, notes = _measured(results, "_polled")
        measured_pushed, _ = _measured(results)
    except LookupError as error:
        print(f"  {error}")
        return {}
    polled, pushed = breakdown(measured, webhook=False), breakdown(measured_pushed, webhook=True)
    for note in notes:
        print(f"  {note}")
    print(f"  inputs, polled: {measured}")
    print(f"  inputs, pushed: {measured_pushed}")
    print("  per million polled mentions: " + ", ".join(f"{k} ${v:.2f}" for k, v in polled.items()))
    total = sum(polled.values())
    if not SAAS_PLANS:
        print("  SaaS plans: no published price checked yet (bench/bench_cost.py SAAS_PLANS)")
    for plan in SAAS_PLANS:
        print(
            f"  {plan.vendor} {plan.plan}: ${plan.usd_per_month:,.0f}/month ({plan.billing}) for "
            f"at most {plan.mentions_per_month:,} mentions = ${plan.usd_per_million:,.0f} per "
            f"million ({plan.source}, as published on {plan.as_published_on}); "
            f"Tidings ${total:.2f}"
        )
    return {
        "usd_per_million_mentions": total,
        "usd_per_million_webhook_mentions": sum(pushed.values()),
        "usd_per_million_mentions_dynamodb": polled["dynamodb"],
        "usd_per_million_mentions_lambda": polled["lambda"],
    }
