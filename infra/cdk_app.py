"""Entry point: `python infra/cdk_app.py` (or `cdk synth|deploy -c stage=prod` from infra/).

Context: `stage` (dev or prod), `ops_emails` and `alert_emails` (comma-separated addresses
subscribed to the operations and alert-email topics; `a@x.com=acme+beta` for some watches only),
`digest_sender` (the SES sender of digests), `webhook_integrations` (names of generic
webhook integrations whose secrets to create), `source_alarm_minutes`,
`source_alarm_minutes_by_kind` (a kind's own threshold: `appstore=1440,x=240`),
`sentiment_backend` (`builtin` or `comprehend`), `influencer_reach` and `languages` (the
languages the company mostly hears, `en,de`: a short post leans to them).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _list(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return tuple(v.strip() for v in str(value or "").split(",") if v.strip())


def _minutes_by_kind(value: object) -> tuple[tuple[str, int], ...]:
    """`appstore=1440,x=240` as ((kind, minutes), ...)."""
    pairs = (item.partition("=") for item in _list(value))
    return tuple((kind.strip(), int(minutes)) for kind, _, minutes in pairs)


def build(
    context: dict[str, object] | None = None, outdir: str | None = None
) -> tuple[object, object]:
    """The CDK app and its one stack, checked by cdk-nag's AWS Solutions rules."""
    import aws_cdk as cdk
    import cdk_nag

    # Absolute: the Chalice construct packages the app from within the output directory.
    outdir = str(Path(outdir or os.environ.get("CDK_OUTDIR") or REPO_ROOT / "cdk.out").resolve())
    app = cdk.App(context=context or {}, outdir=outdir)
    stage = str(app.node.try_get_context("stage") or "dev")
    # The app names its queues and topic from TIDINGS_STAGE when imported: import it as this
    # stage's functions will.
    os.environ["TIDINGS_STAGE"] = stage
    # `chalice package` needs a region to name ARNs' partition; it never calls AWS.
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION") or "us-east-1")
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    from infra.stack import StackOptions, TidingsStack

    options = StackOptions(
        stage=stage,
        ops_emails=_list(app.node.try_get_context("ops_emails")),
        alert_emails=_list(app.node.try_get_context("alert_emails")),
        digest_sender=str(app.node.try_get_context("digest_sender") or "").strip(),
        webhook_integrations=_list(app.node.try_get_context("webhook_integrations")),
        source_alarm_minutes=int(str(app.node.try_get_context("source_alarm_minutes") or 60)),
        source_alarm_minutes_by_kind=_minutes_by_kind(
            app.node.try_get_context("source_alarm_minutes_by_kind")
        ),
        sentiment_backend=str(app.node.try_get_context("sentiment_backend") or "builtin"),
        influencer_reach=float(str(app.node.try_get_context("influencer_reach") or 70)),
        languages=str(app.node.try_get_context("languages") or "en").replace(" ", ""),
        iam_api=str(app.node.try_get_context("iam_api") or "false").lower() == "true",
    )
    env = cdk.Environment(
        account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
    )
    stack = TidingsStack(app, f"tidings-{stage}", options, env=env)
    cdk.Tags.of(stack).add("app", "tidings")
    cdk.Tags.of(stack).add("stage", stage)
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    return app, stack


if __name__ == "__main__":
    cdk_app, _ = build()
    cdk_app.synth()  # type: ignore[attr-defined]
