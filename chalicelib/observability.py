"""The one Logger and Metrics of the process, so every module logs and counts the same way."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "tidings"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Tidings", service=SERVICE)
