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
    reddit_url: str
    reddit_auth_url: str
    reddit_public_url: str
    mastodon_scheme: str
    bluesky_url: str
    stackexchange_url: str
    github_url: str
    github_graphql_url: str
    # YouTube, X and the App Store (defaults so tests can build Settings without them)
    youtube_url: str = "https://www.googleapis.com/youtube/v3"
    x_url: str = "https://api.x.com/2"
    appstore_url: str = "https://itunes.apple.com"
    youtube_daily_quota_units: int = 10000
    x_monthly_reads_per_watch: int = 10000
    # Platform webhooks: the WebSub hub, and this API's public URL (the hub's callback)
    websub_hub_url: str = "https://pubsubhubbub.appspot.com/subscribe"
    public_base_url: str = ""
    # Analysis: "comprehend" sends languages the builtin analyser cannot score to Amazon
    # Comprehend (paid, per deployment); reach at or above influencer_reach flags an influencer.
    sentiment_backend: str = "builtin"
    influencer_reach: float = 70.0
    # The languages this deployment mostly hears: a short post's language leans to them
    # (analysis/language.py EXPECTED_BONUS), so it is scored rather than left `und`.
    languages: tuple[str, ...] = ("en",)
    # Alerts: Slack's Web API (a local stub in tests); how long a delivery claim stays
    # exclusive (the notifier's timeout: a claim older than that belongs to a dead invocation)
    slack_api_url: str = "https://slack.com/api"
    alert_lease_s: int = 60
    # Ingest: how long a mention claimed by an unfinished delivery holds back the others that
    # see it. Past it the delivery is dead (the SQS workers time out at 120 s: infra TIMEOUTS_S)
    # and the next delivery to see the mention finishes it.
    claim_lease_s: int = 300
    # Email digests (SES): the verified sender, and the UTC hour daily (and Monday's weekly)
    # digests go out. Empty when a deployment set none: digests and spike emails are skipped
    # with a warning (log and /health); the local stack uses LOCAL_DIGEST_SENDER.
    digest_sender: str = ""
    digest_hour: int = 7
    # Instant alerts by email: the notifier publishes them (after flood control) to this topic,
    # which the deployment's ALERT_EMAILS subscribe to.
    email_topic_arn: str = ""

    @property
    def meta_app_secret_parameter(self) -> str:
        return f"{self.parameter_prefix}/webhooks/meta/app-secret"

    @property
    def meta_verify_token_parameter(self) -> str:
        return f"{self.parameter_prefix}/webhooks/meta/verify-token"

    @property
    def x_consumer_secret_parameter(self) -> str:
        return f"{self.parameter_prefix}/webhooks/x/consumer-secret"

    @property
    def websub_secret_parameter(self) -> str:
        return f"{self.parameter_prefix}/webhooks/youtube/websub-secret"

    def sns_topic_arn_parameter(self, integration: str) -> str:
        return f"{self.parameter_prefix}/webhooks/sns/{integration}/topic-arn"

    @property
    def youtube_key_parameter(self) -> str:
        return f"{self.parameter_prefix}/sources/youtube/api-key"

    @property
    def x_token_parameter(self) -> str:
        return f"{self.parameter_prefix}/sources/x/bearer-token"

    @property
    def slack_webhook_parameter(self) -> str:
        return f"{self.parameter_prefix}/slack/webhook-url"

    @property
    def slack_bot_token_parameter(self) -> str:
        return f"{self.parameter_prefix}/slack/bot-token"

    @property
    def slack_signing_secret_parameter(self) -> str:
        return f"{self.parameter_prefix}/slack/signing-secret"

    @property
    def notifier_dlq_name(self) -> str:
        """Where Lambda puts notifier events it gave up on (infra: `{function}-dlq`)."""
        return f"{self.prefix}-notifier-dlq"

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

    @property
    def email_topic_name(self) -> str:
        """Instant alerts by email, flood-controlled by the notifier (infra key `email`)."""
        return f"{self.prefix}-alert-email"


# Clearly not a real mailbox (RFC 6761 reserves .localhost): only the local stack sends from it.
LOCAL_DIGEST_SENDER = "digests@tidings.localhost"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _languages(value: str) -> tuple[str, ...]:
    """`en, de` -> ("en", "de"); `en-GB` -> "en", as a source's hint is read."""
    from chalicelib.analysis.language import normalise_hint

    codes = (normalise_hint(part) for part in value.split(","))
    return tuple(dict.fromkeys(code for code in codes if code))


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
        youtube_url=_env("TIDINGS_YOUTUBE_URL", "https://www.googleapis.com/youtube/v3"),
        x_url=_env("TIDINGS_X_URL", "https://api.x.com/2"),
        appstore_url=_env("TIDINGS_APPSTORE_URL", "https://itunes.apple.com"),
        youtube_daily_quota_units=int(_env("TIDINGS_YOUTUBE_DAILY_QUOTA_UNITS", "10000")),
        x_monthly_reads_per_watch=int(_env("TIDINGS_X_MONTHLY_READS_PER_WATCH", "10000")),
        websub_hub_url=_env("TIDINGS_WEBSUB_HUB_URL", "https://pubsubhubbub.appspot.com/subscribe"),
        public_base_url=_env("TIDINGS_PUBLIC_BASE_URL").rstrip("/"),
        sentiment_backend=_env("TIDINGS_SENTIMENT_BACKEND", "builtin").strip().lower(),
        influencer_reach=float(_env("TIDINGS_INFLUENCER_REACH", "70")),
        languages=_languages(_env("TIDINGS_LANGUAGES", "en")),
        slack_api_url=_env("TIDINGS_SLACK_API_URL", "https://slack.com/api").rstrip("/"),
        alert_lease_s=int(_env("TIDINGS_ALERT_LEASE_S", "60")),
        claim_lease_s=int(_env("TIDINGS_CLAIM_LEASE_S", "300")),
        digest_sender=_env(
            "TIDINGS_DIGEST_SENDER", LOCAL_DIGEST_SENDER if stage == "local" else ""
        ).strip(),
        email_topic_arn=_env("TIDINGS_EMAIL_TOPIC_ARN"),
        digest_hour=int(_env("TIDINGS_DIGEST_HOUR", "7")),
        reddit_url=_env("TIDINGS_REDDIT_URL", "https://oauth.reddit.com"),
        reddit_auth_url=_env(
            "TIDINGS_REDDIT_AUTH_URL", "https://www.reddit.com/api/v1/access_token"
        ),
        reddit_public_url=_env("TIDINGS_REDDIT_PUBLIC_URL", "https://www.reddit.com"),
        mastodon_scheme=_env("TIDINGS_MASTODON_SCHEME", "https"),
        bluesky_url=_env("TIDINGS_BLUESKY_URL", "https://bsky.social"),
        stackexchange_url=_env("TIDINGS_STACKEXCHANGE_URL", "https://api.stackexchange.com/2.3"),
        github_url=_env("TIDINGS_GITHUB_URL", "https://api.github.com"),
        github_graphql_url=_env("TIDINGS_GITHUB_GRAPHQL_URL", "https://api.github.com/graphql"),
    )
