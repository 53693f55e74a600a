"""Tidings on AWS Lambda: one Chalice app, a blueprint per job."""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib.handlers import (
    health_api,
    mentions_api,
    notifier,
    platform_webhooks_api,
    query_api,
    schedule,
    watches_api,
    webhooks_api,
    websub_schedule,
    workers,
)
from chalicelib.handlers.middleware import observe

app = Chalice(app_name="tidings")
app.register_middleware(observe, "all")

for blueprint in (health_api, watches_api, mentions_api, webhooks_api, schedule, workers, notifier):
    app.register_blueprint(blueprint.bp)
for blueprint in (platform_webhooks_api, websub_schedule, query_api):
    app.register_blueprint(blueprint.bp)
