"""The daily WebSub renewal: (re)subscribe every watched YouTube channel at the hub.

Leases last five days and this runs daily, so a day when the hub fails (it has answered 503
for weeks at a time) costs nothing while the next run succeeds. The hub then checks with us:
`GET /webhooks/youtube` answers its challenge only for channels a watch still lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalice.app import Blueprint

from chalicelib.errors import PermanentError, TransientError
from chalicelib.observability import logger, metrics
from chalicelib.services import services

bp = Blueprint(__name__)

RENEW_RATE = "rate(1 day)"
CALLBACK_PATH = "/webhooks/youtube"


@dataclass
class Renewal:
    subscribed: list[str] = field(default_factory=list)  # topics the hub accepted
    failed: list[str] = field(default_factory=list)


def renew_subscriptions() -> Renewal:
    from chalicelib.aws.secrets import get_secret
    from chalicelib.handlers.platform_webhooks_api import outbound
    from chalicelib.webhooks.websub import subscription_form, wanted_topics

    svc = services()
    renewal = Renewal()
    topics = sorted(wanted_topics(svc.watches.list()))
    if topics and not svc.settings.public_base_url:
        logger.warning("websub not renewed: TIDINGS_PUBLIC_BASE_URL is not set", topics=len(topics))
        return renewal
    callback = svc.settings.public_base_url + CALLBACK_PATH
    secret = get_secret(svc.settings.websub_secret_parameter)
    for topic in topics:
        try:
            outbound().post_form(
                svc.settings.websub_hub_url, subscription_form(topic, callback, secret)
            )
        except (TransientError, PermanentError) as error:
            logger.warning("websub subscribe failed", topic=topic, error=str(error))
            renewal.failed.append(topic)
        else:
            renewal.subscribed.append(topic)
    logger.info("websub renewed", subscribed=len(renewal.subscribed), failed=len(renewal.failed))
    metrics.add_metric(name="WebSubRenewals", unit="Count", value=len(renewal.subscribed))
    metrics.add_metric(name="WebSubRenewalFailures", unit="Count", value=len(renewal.failed))
    return renewal


@bp.schedule(RENEW_RATE, name="renew_websub")
def renew_websub_tick(event: Any) -> None:
    renew_subscriptions()
