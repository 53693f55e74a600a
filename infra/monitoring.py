"""Alarms to the operations topic, and a small dashboard: what an on-call person looks at."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

NAMESPACE = "Tidings"  # POWERTOOLS_METRICS_NAMESPACE in .chalice/config.json
SERVICE = {"service": "tidings"}  # POWERTOOLS_SERVICE_NAME: Powertools' one dimension
PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        functions: dict[str, str],
        api_name: str,
        dlqs: dict[str, sqs.Queue],
        topic: sns.ITopic,
        source_alarm_minutes: int,
        source_kinds: Sequence[str] = (),
        source_alarm_minutes_by_kind: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._action = actions.SnsAction(topic)
        self.alarms: list[cloudwatch.Alarm] = []
        for key, dlq in dlqs.items():
            self._alarm(
                f"{key}-dlq-not-empty",
                dlq.metric_approximate_number_of_messages_visible(
                    period=PERIOD, statistic="Maximum"
                ),
                threshold=0,
                description=f"Jobs failed {key} processing 5 times and wait in its DLQ",
            )
        for name, function_name in functions.items():
            for metric in ("Errors", "Throttles"):
                self._alarm(
                    f"{name}-{metric.lower()}",
                    self._lambda(metric, function_name),
                    threshold=0,
                    description=f"{function_name} {metric.lower()}",
                )
        api_5xx = cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions_map={"ApiName": api_name, "Stage": "api"},
            period=PERIOD,
            statistic="Sum",
        )
        self._alarm("api-5xx", api_5xx, threshold=0, description="The API answered 5xx")
        periods = max(1, math.ceil(source_alarm_minutes / PERIOD.to_minutes()))
        failures = self._app("SourceFailures")
        self._alarm(
            "sources-failing",
            failures,
            threshold=0,
            periods=periods,
            description=f"A source failed in every poll for {source_alarm_minutes} minutes",
        )
        received = self._app("MentionsReceived", statistic="SampleCount")
        self._alarm(
            "sources-silent",
            received,
            threshold=1,
            periods=periods,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            missing=cloudwatch.TreatMissingData.BREACHING,
            description=f"No poll or webhook returned for {source_alarm_minutes} minutes",
        )
        for kind in source_kinds:
            minutes = (source_alarm_minutes_by_kind or {}).get(kind, source_alarm_minutes)
            self._source_alarm(kind, minutes)
        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=prefix)
        self.dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Mentions",
                left=[self._app(m) for m in ("MentionsReceived", "MentionsStored", "AlertsSent")],
            ),
            cloudwatch.GraphWidget(
                title="Failures",
                left=[self._app("SourceFailures"), self._app("WebhooksRefused"), api_5xx],
            ),
            cloudwatch.GraphWidget(
                title="Function errors",
                left=[self._lambda("Errors", f) for f in functions.values()],
            ),
            cloudwatch.GraphWidget(
                title="DLQ depth",
                left=[
                    q.metric_approximate_number_of_messages_visible(period=PERIOD)
                    for q in dlqs.values()
                ],
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=24)
        )

    def _source_alarm(self, kind: str, minutes: int) -> None:
        """One source kind failing with no successful poll for `minutes`: the workers count
        `SourceFailures` and `SourceSuccesses` per `source` (`count_for_source`). A kind no watch
        polls has no data and stays OK."""
        periods = max(1, math.ceil(minutes / PERIOD.to_minutes()))
        failing = cloudwatch.MathExpression(
            expression="IF(FILL(failures, 0) > 0 AND FILL(successes, 0) == 0, 1, 0)",
            using_metrics={
                "failures": self._per_source("SourceFailures", kind),
                "successes": self._per_source("SourceSuccesses", kind),
            },
            period=PERIOD,
            label=f"{kind} failing",
        )
        self._alarm(
            f"source-{kind}-failing",
            failing,
            threshold=0,
            periods=periods,
            description=f"Every poll of {kind} failed for {minutes} minutes",
        )

    def _per_source(self, metric: str, kind: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=NAMESPACE,
            metric_name=metric,
            dimensions_map={"source": kind},
            period=PERIOD,
            statistic="Sum",
        )

    def _lambda(self, metric: str, function_name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=metric,
            dimensions_map={"FunctionName": function_name},
            period=PERIOD,
            statistic="Sum",
        )

    def _app(self, metric: str, statistic: str = "Sum") -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace=NAMESPACE,
            metric_name=metric,
            dimensions_map=SERVICE,
            period=PERIOD,
            statistic=statistic,
        )

    def _alarm(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        description: str,
        periods: int = 1,
        comparison: cloudwatch.ComparisonOperator = (
            cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        ),
        missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            comparison_operator=comparison,
            treat_missing_data=missing,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        self.alarms.append(alarm)
