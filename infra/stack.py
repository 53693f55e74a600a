"""The Tidings stack: the Chalice app (via `chalice.cdk`) and everything it runs on.

What the app needs is read from the code (`infra.app_model`, `infra.permissions`): the tables
from the PynamoDB models, the functions from the app's handlers, queue, topic and parameter
names from `Settings`, each function's IAM actions from the code it reaches.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aws_cdk import (
    Acknowledgment,
    ArnFormat,
    CfnOutput,
    Duration,
    Fn,
    RemovalPolicy,
    Stack,
    Validations,
)
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.aws.secrets import PLACEHOLDER_PREFIX
from chalicelib.settings import Settings, get_settings
from chalicelib.sources.registry import known_kinds
from infra import app_model, monitoring
from infra.app_model import Function, TableSpec
from infra.chalice_app import TidingsChalice
from infra.permissions import Need, function_needs, switched_needs

STAGES = ("dev", "prod")
MAX_RECEIVES = 5  # as the local stack: then a message moves to its DLQ
VISIBILITY_FACTOR = 6  # AWS's advice for SQS event sources: 6 x the function's timeout
ASYNC_KINDS = ("schedule", "sns")  # invoked asynchronously: failed events go to a DLQ
MEMORY_MB = 256
TIMEOUTS_S = {"api": 29, "schedule": 60, "sqs": 120, "sns": 60}  # API Gateway caps at 29 s
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
REPO_ROOT = Path(__file__).resolve().parent.parent
# The value of every secret until someone puts the real one; the functions read it as unset.
PLACEHOLDER = PLACEHOLDER_PREFIX.removesuffix("-")


@dataclasses.dataclass(frozen=True)
class StackOptions:
    stage: str
    # subscribed to the alert-email topic: "a@x.com" (every watch) or "a@x.com=acme+beta"
    alert_emails: tuple[str, ...] = ()
    # The verified SES identity digests and spike emails come from (an identity is created);
    # empty: they are skipped, with a warning at synth, in the logs and in /health.
    digest_sender: str = ""
    ops_emails: tuple[str, ...] = ()  # subscribed to the operations topic (alarms)
    webhook_integrations: tuple[str, ...] = ()  # generic webhook integrations to create
    source_alarm_minutes: int = 60  # a source failing or silent this long raises an alarm
    # per source kind, e.g. {"appstore": 1440}: a kind's own threshold, in minutes
    source_alarm_minutes_by_kind: tuple[tuple[str, int], ...] = ()
    sentiment_backend: str = "builtin"  # "comprehend": Amazon Comprehend for other languages
    influencer_reach: float = 70.0  # reach score (0-100) from which an author is an influencer
    languages: str = "en"  # the languages the company mostly hears: short posts lean to them
    # True: API Gateway demands SigV4 on the management routes, for companies that call the API
    # only with IAM identities. Off by default: the app checks API keys, which the dashboard and
    # scripts use, and a gateway-level IAM check would refuse them before the app sees them.
    iam_api: bool = False


def alert_email_subscription(entry: str) -> subscriptions.EmailSubscription:
    """`a@x.com` gets every watch's email alerts; `a@x.com=acme+beta` only those watches' (a
    filter policy on the `watch` message attribute)."""
    address, _, watches = entry.partition("=")
    names = [w.strip() for w in watches.split("+") if w.strip()]
    policy = {"watch": sns.SubscriptionFilter.string_filter(allowlist=names)} if names else None
    return subscriptions.EmailSubscription(address.strip(), filter_policy=policy)


def sigv4_operations(paths: dict[str, Any]) -> list[tuple[str, str]]:
    """The (path, method) pairs IAM protects: every route but the public ones (the dashboard,
    health, the OpenAPI document, Slack and the platform webhooks, which sign their requests)."""
    from chalicelib.handlers.auth import is_public

    return [
        (path, method)
        for path, methods in paths.items()
        if not is_public(path)
        for method in methods
        if not method.startswith("x-") and method != "options"
    ]


def stage_settings(stage: str) -> Settings:
    """The app's Settings as the deployed functions of this stage will see them."""
    base = get_settings()
    return dataclasses.replace(
        base, stage=stage, prefix=f"tidings-{stage}", parameter_prefix=f"/tidings/{stage}"
    )


def parameter_names(settings: Settings, integrations: tuple[str, ...]) -> list[str]:
    """Every credential the code reads by name: `Settings.*_parameter` properties, and the
    per-integration ones (`Settings.*_parameter(integration)`) for each integration asked for."""
    names: set[str] = set()
    for attribute, value in vars(type(settings)).items():
        if not attribute.endswith("_parameter"):
            continue
        if isinstance(value, property):
            names.add(getattr(settings, attribute))
        elif callable(value):
            names.update(getattr(settings, attribute)(i) for i in integrations)
    return sorted(names)


def cdk_outdir(scope: Construct) -> str:
    from aws_cdk import Stage

    stage = Stage.of(scope)
    return stage.outdir if stage else str(REPO_ROOT / "cdk.out")


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    """`chalice.cdk` writes its package under the working directory: keep it in cdk.out."""
    path.mkdir(parents=True, exist_ok=True)
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class TidingsStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, options: StackOptions, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if options.stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, not {options.stage!r}")
        self.options = options
        self.settings = stage_settings(options.stage)
        self.functions = app_model.functions()
        self.key = self._key()
        self.tables = {spec.name: self._table(spec) for spec in app_model.tables()}
        self.queues, self.dlqs = self._queues()
        self.topics = self._topics()
        self.parameters = self._parameters()
        self._digest_sender()
        self.roles = {f.name: self._role(f) for f in self.functions}
        self.chalice = self._chalice()
        self._wire_functions()
        self.api_url = self.chalice.sam_template.get_output("EndpointURL").value
        self.dashboard_name = f"{self.settings.prefix}"
        monitoring.Monitoring(
            self,
            "Monitoring",
            prefix=self.settings.prefix,
            functions={f.name: self.function_name(f) for f in self.functions},
            api_name=self.settings.prefix,
            dlqs=self.dlqs,
            topic=self.topics["operations"],
            source_alarm_minutes=options.source_alarm_minutes,
            source_kinds=known_kinds(),
            source_alarm_minutes_by_kind=dict(options.source_alarm_minutes_by_kind),
        )
        self._outputs()
        self._suppressions()

    # -- names -----------------------------------------------------------------------------
    def function_name(self, function: Function) -> str:
        return f"{self.settings.prefix}-{function.name}"

    def timeout(self, function: Function) -> int:
        return TIMEOUTS_S[function.kind]

    # -- data ------------------------------------------------------------------------------
    def _key(self) -> kms.Key:
        """One customer-managed key for the topics: CloudWatch alarms can publish to a topic
        only when the key's policy lets them, which the AWS-managed SNS key cannot."""
        key = kms.Key(
            self,
            "TopicsKey",
            alias=f"alias/{self.settings.prefix}-topics",
            description="Encrypts the Tidings SNS topics",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy "*" means this key
            )
        )
        return key

    def _table(self, spec: TableSpec) -> dynamodb.Table:
        def attribute(key: app_model.KeyAttribute) -> dynamodb.Attribute:
            return dynamodb.Attribute(name=key.name, type=dynamodb.AttributeType(_TYPES[key.type]))

        table = dynamodb.Table(
            self,
            f"Table{spec.name.title()}",
            table_name=self.settings.table_name(spec.name),
            partition_key=attribute(spec.hash_key),
            sort_key=attribute(spec.range_key) if spec.range_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=spec.ttl_attribute,
            deletion_protection=True,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in spec.indexes:
            sort_key = _index_key(index, "RANGE")
            if index["kind"] == "local" and sort_key is not None:
                table.add_local_secondary_index(index_name=index["index_name"], sort_key=sort_key)
            else:
                partition_key = _index_key(index, "HASH")
                assert partition_key is not None
                table.add_global_secondary_index(
                    index_name=index["index_name"], partition_key=partition_key, sort_key=sort_key
                )
        return table

    def _queue_names(self) -> dict[str, str]:
        """Queue key ("poll") -> name, from `Settings.*_queue_name` and the SQS triggers."""
        names = {
            match.group(1): getattr(self.settings, attribute)
            for attribute in dir(self.settings)
            if (match := re.fullmatch(r"(\w+)_queue_name", attribute))
        }
        for function in self.functions:
            if function.queue and function.queue not in names.values():
                names[function.queue.removeprefix(f"{self.settings.prefix}-")] = function.queue
        return names

    def _queues(self) -> tuple[dict[str, sqs.Queue], dict[str, sqs.Queue]]:
        consumers = {f.queue: f for f in self.functions if f.queue}
        queues: dict[str, sqs.Queue] = {}
        dlqs: dict[str, sqs.Queue] = {}
        for key, name in self._queue_names().items():
            consumer = consumers.get(name)
            timeout = self.timeout(consumer) if consumer else TIMEOUTS_S["sqs"]
            dlqs[key] = sqs.Queue(
                self,
                f"Queue{key.title()}Dlq",
                queue_name=f"{name}-dlq",
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                retention_period=Duration.days(14),
            )
            queues[key] = sqs.Queue(
                self,
                f"Queue{key.title()}",
                queue_name=name,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                visibility_timeout=Duration.seconds(timeout * VISIBILITY_FACTOR),
                dead_letter_queue=sqs.DeadLetterQueue(
                    max_receive_count=MAX_RECEIVES, queue=dlqs[key]
                ),
            )
        for function in self.functions:
            if function.kind in ASYNC_KINDS:  # events Lambda gave up on after its 2 retries
                dlqs[function.name] = sqs.Queue(
                    self,
                    f"Queue{function.logical_id}Dlq",
                    queue_name=f"{self.function_name(function)}-dlq",
                    encryption=sqs.QueueEncryption.SQS_MANAGED,
                    enforce_ssl=True,
                    retention_period=Duration.days(14),
                )
        return queues, dlqs

    def _topics(self) -> dict[str, sns.Topic]:
        names = {
            match.group(1): getattr(self.settings, attribute)
            for attribute in dir(self.settings)
            if (match := re.fullmatch(r"(\w+)_topic_name", attribute))
        }
        names["operations"] = f"{self.settings.prefix}-operations"
        topics = {
            key: sns.Topic(
                self,
                f"Topic{key.title()}",
                topic_name=name,
                master_key=self.key,
                enforce_ssl=True,
            )
            for key, name in names.items()
        }
        for email in self.options.ops_emails:
            topics["operations"].add_subscription(subscriptions.EmailSubscription(email))
        for entry in self.options.alert_emails:
            topics["email"].add_subscription(alert_email_subscription(entry))
        return topics

    def _digest_sender(self) -> None:
        """An SES identity for the digest sender (SES mails the address a confirmation link)."""
        from aws_cdk import Annotations
        from aws_cdk import aws_ses as ses

        sender = self.options.digest_sender
        if not sender:
            Annotations.of(self).add_warning(
                "No digest_sender: email digests and spike emails are skipped. Deploy with "
                "DIGEST_SENDER=alerts@your-domain (see README, Deploying)."
            )
            return
        ses.EmailIdentity(self, "DigestSender", identity=ses.Identity.email(sender))

    def _parameters(self) -> dict[str, Any]:
        """A named placeholder per credential: never a value. The placeholder embeds the stack's
        id so that an unset webhook secret is not a value anyone outside the account knows."""
        from aws_cdk import aws_ssm as ssm

        unguessable = Fn.select(2, Fn.split("/", self.stack_id))
        created: dict[str, Any] = {}
        for i, name in enumerate(parameter_names(self.settings, self.options.webhook_integrations)):
            created[name] = ssm.CfnParameter(
                self,
                f"Secret{i}",
                name=name,
                type="String",
                value=Fn.join("-", [PLACEHOLDER, unguessable]),
                description="Placeholder: set the real value as a SecureString (see README)",
            )
        return created

    # -- functions -------------------------------------------------------------------------
    def _resource_arns(self, need: Need) -> list[str]:
        if need.resource_kind == "table":
            table = self.tables[need.resource]
            indexed = any(spec.indexes for spec in app_model.tables() if spec.name == need.resource)
            return [table.table_arn, f"{table.table_arn}/index/*"] if indexed else [table.table_arn]
        if need.resource_kind == "queue":
            arns = [self.queues[need.resource].queue_arn]
            if need.action == "sqs:GetQueueAttributes" and need.resource in self.dlqs:
                arns.append(self.dlqs[need.resource].queue_arn)  # health shows the DLQ depth too
            return arns
        if need.resource_kind == "topic":
            return [self.topics[need.resource].topic_arn]
        if need.resource_kind == "parameters":
            return [
                self.format_arn(
                    service="ssm",
                    resource="parameter",
                    resource_name=self.settings.parameter_prefix.lstrip("/") + "/*",
                )
            ]
        return ["*"]

    def statements(self, function: Function) -> list[iam.PolicyStatement]:
        """What the function's code calls, on the resources it touches, and nothing else."""
        by_resources: dict[tuple[str, ...], set[str]] = defaultdict(set)
        needs = function_needs(function.entry_points) | switched_needs(
            function.entry_points, self.options.sentiment_backend
        )
        for need in needs:
            by_resources[tuple(self._resource_arns(need))].add(need.action)
            if need.action == "sns:Publish":  # the topics are encrypted with our key
                by_resources[(self.key.key_arn,)].update(["kms:Decrypt", "kms:GenerateDataKey"])
        if function.kind in ASYNC_KINDS:  # Lambda sends failed events with the function's role
            by_resources[(self.dlqs[function.name].queue_arn,)].add("sqs:SendMessage")
        if function.queue:  # the event source mapping reads with the function's role
            queue_key = function.queue.removeprefix(f"{self.settings.prefix}-")
            by_resources[(self.queues[queue_key].queue_arn,)].update(
                [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ChangeMessageVisibility",
                ]
            )
        log_group = self.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"/aws/lambda/{self.function_name(function)}:*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        by_resources[(log_group,)].update(["logs:CreateLogStream", "logs:PutLogEvents"])
        return [
            iam.PolicyStatement(actions=sorted(actions), resources=list(resources))
            for resources, actions in sorted(by_resources.items(), key=lambda kv: sorted(kv[1]))
        ]

    def _role(self, function: Function) -> iam.Role:
        role = iam.Role(
            self,
            f"Role{function.logical_id}",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Tidings {function.name}: only what its code calls",
        )
        policy = iam.Policy(
            self, f"Policy{function.logical_id}", statements=self.statements(function)
        )
        policy.attach_to_role(role)
        logs.LogGroup(
            self,
            f"Logs{function.logical_id}",
            log_group_name=f"/aws/lambda/{self.function_name(function)}",
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.DESTROY,
        )
        return role

    def _chalice(self) -> Chalice:
        stage_config = {
            "manage_iam_role": False,
            "iam_role_arn": "replaced-per-function-by-infra",
            "autogen_policy": False,
            "lambda_memory_size": MEMORY_MB,
            "environment_variables": {
                "TIDINGS_STAGE": self.settings.stage,
                "TIDINGS_PREFIX": self.settings.prefix,
                "TIDINGS_PARAMETER_PREFIX": self.settings.parameter_prefix,
                "TIDINGS_SENTIMENT_BACKEND": self.options.sentiment_backend,
                "TIDINGS_INFLUENCER_REACH": f"{self.options.influencer_reach:g}",
                "TIDINGS_LANGUAGES": self.options.languages,
                "TIDINGS_DIGEST_SENDER": self.options.digest_sender,
            },
        }
        outdir = Path(self.node.try_get_context("chalice_out") or cdk_outdir(self))
        with _cwd(outdir):
            return TidingsChalice(self, "App", source_dir=str(REPO_ROOT), stage_config=stage_config)

    def _wire_functions(self) -> None:
        api_url = self.chalice.sam_template.get_output("EndpointURL").value
        environment = {
            f"TIDINGS_{key.upper()}_QUEUE_URL": queue.queue_url
            for key, queue in self.queues.items()
        }
        environment.update(
            {
                f"TIDINGS_{key.upper()}_TOPIC_ARN": topic.topic_arn
                for key, topic in self.topics.items()
                if key != "operations"
            }
        )
        for function in self.functions:
            resource = self.chalice.get_resource(function.logical_id)
            resource.add_property_override("FunctionName", self.function_name(function))
            resource.add_property_override("Role", self.roles[function.name].role_arn)
            resource.add_property_override("Timeout", self.timeout(function))
            # The trigger is created with the role: its policy must exist first.
            policy = self.node.find_child(f"Policy{function.logical_id}").node.default_child
            resource.add_resource_dependency(policy)
            variables = dict(environment)
            if function.kind != "api":  # the API's own URL would be a circular reference
                variables["TIDINGS_PUBLIC_BASE_URL"] = api_url
            for name, value in variables.items():
                resource.add_property_override(f"Environment.Variables.{name}", value)
            # Point the triggers at our resources (not ARNs Chalice built from names), so that
            # CloudFormation creates the queue or topic before the function's trigger.
            if function.kind == "sqs" and function.queue:
                event = f"Events.{function.logical_id}SqsEventSource.Properties"
                queue = self.queues[function.queue.removeprefix(f"{self.settings.prefix}-")]
                resource.add_property_override(f"{event}.Queue", queue.queue_arn)
                resource.add_property_override(
                    f"{event}.FunctionResponseTypes", ["ReportBatchItemFailures"]
                )
            if function.kind in ASYNC_KINDS:
                resource.add_property_override(
                    "DeadLetterQueue",
                    {"Type": "SQS", "TargetArn": self.dlqs[function.name].queue_arn},
                )
            if function.kind == "sns" and function.topic:
                event = f"Events.{function.logical_id}SnsSubscription.Properties"
                key = function.topic.removeprefix(f"{self.settings.prefix}-")
                resource.add_property_override(f"{event}.Topic", self.topics[key].topic_arn)
        self._protect_api()

    def _protect_api(self) -> None:
        """The app authenticates every route (API keys, or HMAC signatures for platforms); with
        `iam_api`, API Gateway also demands SigV4 on the management routes."""
        api = self.chalice.get_resource("RestAPI")
        api.add_property_override("Name", self.settings.prefix)
        if not self.options.iam_api:
            return
        api.add_property_override(
            "DefinitionBody.securityDefinitions.sigv4",
            {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            },
        )
        for path, method in sigv4_operations(self._swagger_paths()):
            escaped = path.replace(".", "\\.")  # "/openapi.json": a dot splits overrides
            api.add_property_override(
                f"DefinitionBody.paths.{escaped}.{method}.security", [{"sigv4": []}]
            )

    def _swagger_paths(self) -> dict[str, Any]:
        sam = Path(self.chalice._sam_package_dir) / "sam.json"
        template = json.loads(sam.read_text(encoding="utf-8"))
        paths: dict[str, Any] = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
            "paths"
        ]
        return paths

    # -- outputs and review ----------------------------------------------------------------
    def _outputs(self) -> None:
        CfnOutput(self, "ApiUrl", value=self.api_url, description="The REST API")
        CfnOutput(
            self,
            "WebhooksUrl",
            value=Fn.join("", [self.api_url, "webhooks/"]),
            description="Point platform webhooks here (see README)",
        )
        CfnOutput(
            self,
            "DashboardUrl",
            value=(
                f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region="
                f"{self.region}#dashboards:name={self.settings.prefix}"
            ),
        )
        for key, topic in self.topics.items():
            CfnOutput(self, f"{key.title()}TopicArn", value=topic.topic_arn)

    def _suppressions(self) -> None:
        """Every finding accepted, and why; anything else fails synth and the infra test."""
        reasons = {
            "logs": "A function writes only to its own log group; its streams are named by "
            "Lambda at run time, hence log-group:<name>:*.",
            "index": "The table's indexes, queried by the function; index names are part of the "
            "table's definition.",
            "ssm": "The function reads secrets by name under this stage's prefix; integrations "
            "(one secret each) are added at run time without a redeploy.",
            "any": "The action does not support resource-level permissions.",
        }
        for function in self.functions:
            if function.kind in ASYNC_KINDS:
                Validations.of(self.dlqs[function.name]).acknowledge(
                    Acknowledgment(
                        id="AwsSolutions-SQS3",
                        reason=f"This queue is the DLQ of {function.name}'s asynchronous "
                        "invocations (the function's DeadLetterQueue); cdk-nag does not read it.",
                    )
                )
            policy = self.node.find_child(f"Policy{function.logical_id}")
            for statement in self.statements(function):
                for resource in statement.resources:
                    rendered = _render(self.resolve(resource))
                    if "*" not in rendered:
                        continue
                    kind = next(
                        (
                            k
                            for k in ("logs", "index", "ssm")
                            if f":{k}:" in rendered or (k == "index" and "/index/" in rendered)
                        ),
                        "any",
                    )
                    Validations.of(policy).acknowledge(
                        Acknowledgment(
                            id=f"AwsSolutions-IAM5[Resource::{rendered}]", reason=reasons[kind]
                        )
                    )


def _render(value: Any) -> str:
    """A resolved CloudFormation value as cdk-nag prints it in a finding's id."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Fn::Join":
            separator, parts = argument
            return str(separator).join(_render(p) for p in parts)
        if function == "Ref":
            return f"<{argument}>"
        if function == "Fn::GetAtt":
            return f"<{argument[0]}.{argument[1]}>"
    return json.dumps(value)


_TYPES = {"S": "STRING", "N": "NUMBER", "B": "BINARY"}


def _index_key(index: dict[str, Any], role: str) -> dynamodb.Attribute | None:
    """An index's HASH or RANGE key, typed from the model's attribute definitions."""
    keys = {k["KeyType"]: k["AttributeName"] for k in index["key_schema"]}
    if role not in keys:
        return None
    types = {a["AttributeName"]: a["AttributeType"] for a in index.get("attribute_definitions", [])}
    kind = types.get(keys[role], "S")
    return dynamodb.Attribute(name=keys[role], type=dynamodb.AttributeType(_TYPES[kind]))
