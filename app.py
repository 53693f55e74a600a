"""Tidings on AWS Lambda: one Chalice app, a blueprint per job."""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib.handlers import (
    analytics_api,
    dashboard_api,
    digest_schedule,
    export_api,
    health_api,
    mentions_api,
    notifier,
    openapi_api,
    platform_webhooks_api,
    preview_api,
    privacy_api,
    query_api,
    schedule,
    slack_api,
    spike_schedule,
    sweep_schedule,
    watches_api,
    webhooks_api,
    websub_schedule,
    workers,
)
from chalicelib.handlers.auth import require_api_key
from chalicelib.handlers.middleware import observe

app = Chalice(app_name="tidings")
app.register_middleware(observe, "all")
app.register_middleware(require_api_key, "http")  # every route but the public ones (auth.py)

for blueprint in (health_api, watches_api, mentions_api, webhooks_api, schedule, workers, notifier):
    app.register_blueprint(blueprint.bp)
for blueprint in (platform_webhooks_api, websub_schedule, query_api):
    app.register_blueprint(blueprint.bp)
app.register_blueprint(dashboard_api.bp)
for blueprint in (preview_api, analytics_api, export_api, privacy_api, openapi_api):
    app.register_blueprint(blueprint.bp)
for blueprint in (spike_schedule, digest_schedule, sweep_schedule):
    app.register_blueprint(blueprint.bp)
app.register_blueprint(slack_api.bp)
