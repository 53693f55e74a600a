"""The only reader of os.environ: every knob Tidings has, in one frozen object."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    prefix: str
    poll_queue_url: str
    ingest_queue_url: str
    mentions_topic_arn: str
    parameter_prefix: str
    dynamodb_endpoint: str | None
    aws_endpoint: str | None
    http_timeout_s: float
    poll_max_pages: int
    webhook_max_age_s: int
    webhook_max_body_bytes: int
    retention_days: int
    hackernews_url: str

    @property
    def slack_webhook_parameter(self) -> str:
        return f"{self.parameter_prefix}/slack/webhook-url"

    def webhook_secret_parameter(self, integration: str) -> str:
        return f"{self.parameter_prefix}/webhooks/{integration}/secret"

    def table_name(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    @property
    def poll_queue_name(self) -> str:
        return f"{self.prefix}-poll"

    @property
    def ingest_queue_name(self) -> str:
        return f"{self.prefix}-ingest"

    @property
    def mentions_topic_name(self) -> str:
        return f"{self.prefix}-mentions"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read once per process; tests and the local stack call `get_settings.cache_clear()`."""
    stage = _env("TIDINGS_STAGE", "dev")
    return Settings(
        stage=stage,
        region=_env("AWS_REGION") or _env("AWS_DEFAULT_REGION", "us-east-1"),
        prefix=_env("TIDINGS_PREFIX", f"tidings-{stage}"),
        poll_queue_url=_env("TIDINGS_POLL_QUEUE_URL"),
        ingest_queue_url=_env("TIDINGS_INGEST_QUEUE_URL"),
        mentions_topic_arn=_env("TIDINGS_MENTIONS_TOPIC_ARN"),
        parameter_prefix=_env("TIDINGS_PARAMETER_PREFIX", f"/tidings/{stage}"),
        dynamodb_endpoint=_env("TIDINGS_DYNAMODB_ENDPOINT") or None,
        aws_endpoint=_env("TIDINGS_AWS_ENDPOINT") or None,
        http_timeout_s=float(_env("TIDINGS_HTTP_TIMEOUT_S", "10")),
        poll_max_pages=int(_env("TIDINGS_POLL_MAX_PAGES", "5")),
        webhook_max_age_s=int(_env("TIDINGS_WEBHOOK_MAX_AGE_S", "300")),
        webhook_max_body_bytes=int(_env("TIDINGS_WEBHOOK_MAX_BODY_BYTES", "262144")),
        retention_days=int(_env("TIDINGS_RETENTION_DAYS", "365")),
        hackernews_url=_env("TIDINGS_HACKERNEWS_URL", "https://hn.algolia.com/api/v1"),
    )
