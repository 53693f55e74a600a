"""The deployable stack, synthesised offline once per module and checked as a security reviewer
would: cfn-lint, cdk-nag's AWS Solutions rules, and what the issue asks of each resource.

Synthesis runs `chalice package`, which downloads the Lambda dependencies from PyPI (cached in
`.chalice/deployments/`); no AWS account or credentials are used (fake ones, fixed account).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.tables import MODELS
from infra import app_model
from infra.permissions import Need, function_needs, reached, switched_needs
from infra.stack import sigv4_operations

ACCOUNT, REGION, STAGE = "123456789012", "eu-west-1", "dev"
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "CDK_DEFAULT_ACCOUNT": ACCOUNT,
    "CDK_DEFAULT_REGION": REGION,
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    "TIDINGS_STAGE": STAGE,
}
# Data services: a `*` action on these would be access to data the function does not need.
DATA_SERVICES = ("dynamodb", "sqs", "sns", "ssm", "kms", "s3", "secretsmanager")


class Synth:
    def __init__(self, outdir: Path, stack: Any) -> None:
        self.outdir = outdir
        self.stack = stack
        self.template: dict[str, Any] = json.loads(
            (outdir / "tidings-dev.template.json").read_text(encoding="utf-8")
        )
        self.resources: dict[str, Any] = self.template["Resources"]

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == kind}

    def logical_id(self, construct: Any) -> str:
        return str(self.stack.resolve(construct.node.default_child.logical_id))


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    from chalicelib.settings import get_settings
    from infra.cdk_app import build

    outdir = tmp_path_factory.mktemp("cdk.out")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ENVIRONMENT.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        app, stack = build(
            context={
                "stage": STAGE,
                "ops_emails": "ops@example.com",
                "alert_emails": "team@example.com,beta-pm@example.com=beta",
                "digest_sender": "digests@example.com",
            },
            outdir=str(outdir),
        )
        app.synth()  # type: ignore[attr-defined]
        yield Synth(outdir, stack)
    get_settings.cache_clear()


def _function(synth: Synth, function: app_model.Function) -> dict[str, Any]:
    resource: dict[str, Any] = synth.resources[function.logical_id]
    return resource


# -- review tools -----------------------------------------------------------------------------


def test_template_passes_cfn_lint(synth: Synth) -> None:
    from cfnlint.api import ManualArgs, lint_file

    matches = lint_file(
        synth.outdir / "tidings-dev.template.json", config=ManualArgs(regions=[REGION])
    )

    assert [str(m) for m in matches] == []


def test_cdk_nag_aws_solutions_has_no_unacknowledged_finding(synth: Synth) -> None:
    report = json.loads((synth.outdir / "validation-report.json").read_text(encoding="utf-8"))
    violations = [
        (v["ruleName"], [c["constructPath"] for c in v["violatingConstructs"]])
        for plugin in report["pluginReports"]
        for v in plugin["violations"]
    ]

    assert violations == []


def test_every_acknowledged_finding_says_why(synth: Synth) -> None:
    metadata = json.loads((synth.outdir / "tidings-dev.metadata.json").read_text("utf-8"))
    acknowledged = [
        entry["data"]
        for entries in metadata.values()
        for entry in entries
        if entry["type"] == "aws:cdk:acknowledged-rules"
    ]

    assert acknowledged, "the IAM5 findings on log streams and parameter prefixes are expected"
    for rules in acknowledged:  # {rule id: reason}
        for rule, reason in rules.items():
            assert len(str(reason)) > 30, rule


# -- data -------------------------------------------------------------------------------------


def test_tables_have_the_models_key_schemas_and_are_protected(synth: Synth) -> None:
    tables = {
        t["Properties"]["TableName"]: t for t in synth.of_type("AWS::DynamoDB::Table").values()
    }

    assert set(tables) == {f"tidings-{STAGE}-{name}" for name in MODELS}
    for spec in app_model.tables():
        table = tables[f"tidings-{STAGE}-{spec.name}"]
        props = table["Properties"]
        expected_keys = [{"AttributeName": spec.hash_key.name, "KeyType": "HASH"}]
        if spec.range_key:
            expected_keys.append({"AttributeName": spec.range_key.name, "KeyType": "RANGE"})
        assert props["KeySchema"] == expected_keys, spec.name
        types = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
        for key in (spec.hash_key, spec.range_key):
            if key:
                assert types[key.name] == key.type
        for kind, prop in (
            ("global", "GlobalSecondaryIndexes"),
            ("local", "LocalSecondaryIndexes"),
        ):
            expected = sorted(i["index_name"] for i in spec.indexes if i["kind"] == kind)
            assert sorted(i["IndexName"] for i in props.get(prop, [])) == expected
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert props["DeletionProtectionEnabled"] is True
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
        if spec.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {
                "AttributeName": spec.ttl_attribute,
                "Enabled": True,
            }


def test_model_key_schemas_are_what_infra_reads() -> None:
    for spec in app_model.tables():
        model: Any = MODELS[spec.name]
        schema = {k["KeyType"]: k["AttributeName"] for k in model._get_schema()["key_schema"]}
        assert schema["HASH"] == spec.hash_key.name
        assert schema.get("RANGE") == (spec.range_key.name if spec.range_key else None)
    assert app_model.tables()[0].name == next(iter(MODELS))


# -- queues, topics, triggers -----------------------------------------------------------------


def test_every_sqs_trigger_reports_partial_batch_failures(synth: Synth) -> None:
    triggers = [
        (name, event)
        for name, fn in synth.of_type("AWS::Serverless::Function").items()
        for event in fn["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    ]

    assert {n for n, _ in triggers} >= {"PollWorker", "IngestWorker"}
    for name, event in triggers:
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name


def test_every_queue_has_a_dlq_and_outlasts_its_function(synth: Synth) -> None:
    queues = synth.of_type("AWS::SQS::Queue")
    functions = synth.of_type("AWS::Serverless::Function")
    dlq_ids = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    } | {
        fn["Properties"]["DeadLetterQueue"]["TargetArn"]["Fn::GetAtt"][0]
        for fn in functions.values()
        if "DeadLetterQueue" in fn["Properties"]
    }
    consumers = {
        event["Properties"]["Queue"]["Fn::GetAtt"][0]: fn["Properties"]["Timeout"]
        for fn in functions.values()
        for event in fn["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    }

    for logical_id, queue in queues.items():
        props = queue["Properties"]
        assert props.get("SqsManagedSseEnabled") is True, logical_id
        if logical_id in dlq_ids:
            continue
        assert props["RedrivePolicy"]["maxReceiveCount"] == 5, logical_id
        assert logical_id in consumers, f"{logical_id} has no consumer"
        assert props["VisibilityTimeout"] > consumers[logical_id], logical_id


def test_a_mentions_claim_outlasts_every_delivery_that_may_hold_it(synth: Synth) -> None:
    """Past its lease a claim is taken over as its delivery's: no worker may still be running."""
    from chalicelib.settings import Settings

    functions = synth.of_type("AWS::Serverless::Function")
    worker_timeouts = [
        fn["Properties"]["Timeout"]
        for fn in functions.values()
        if any(e["Type"] == "SQS" for e in fn["Properties"].get("Events", {}).values())
    ]

    assert worker_timeouts
    assert Settings.claim_lease_s > 2 * max(worker_timeouts)


def test_asynchronously_invoked_functions_keep_failed_events_in_a_dlq(synth: Synth) -> None:
    for function in app_model.functions():
        if function.kind not in ("schedule", "sns"):
            continue
        target = _function(synth, function)["Properties"]["DeadLetterQueue"]["TargetArn"]
        dlq = synth.resources[target["Fn::GetAtt"][0]]
        assert dlq["Properties"]["QueueName"] == f"tidings-{STAGE}-{function.name}-dlq"


def test_topics_are_encrypted_and_ops_email_is_subscribed(synth: Synth) -> None:
    topics = synth.of_type("AWS::SNS::Topic")
    names = {t["Properties"]["TopicName"] for t in topics.values()}

    assert names == {
        f"tidings-{STAGE}-mentions",
        f"tidings-{STAGE}-operations",
        f"tidings-{STAGE}-alert-email",
    }
    for topic in topics.values():
        assert "KmsMasterKeyId" in topic["Properties"]
    subscriptions = topics[synth.logical_id(synth.stack.topics["operations"])]["Properties"]
    emails = [
        s
        for s in synth.of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "email"
    ]
    assert subscriptions
    assert "ops@example.com" in [s["Properties"]["Endpoint"] for s in emails]


def test_alert_emails_subscribe_to_the_alert_email_topic_not_the_mentions_topic(
    synth: Synth,
) -> None:
    # Given ALERT_EMAILS "team@example.com,beta-pm@example.com=beta"
    email_topic = {"Ref": synth.logical_id(synth.stack.topics["email"])}
    emails = {
        s["Properties"]["Endpoint"]: s["Properties"]
        for s in synth.of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "email"
        and s["Properties"]["Endpoint"] != "ops@example.com"
    }

    # Then both get the notifier's flood-controlled email alerts, beta-pm only beta's
    assert set(emails) == {"team@example.com", "beta-pm@example.com"}
    assert all(e["TopicArn"] == email_topic for e in emails.values())
    assert "FilterPolicy" not in emails["team@example.com"]
    assert emails["beta-pm@example.com"]["FilterPolicy"] == {"watch": ["beta"]}


def test_only_the_notifier_may_publish_email_alerts(synth: Synth) -> None:
    functions = {f.name: f for f in app_model.functions()}
    publishers = {
        name
        for name, function in functions.items()
        if Need("sns:Publish", "topic", "email") in function_needs(function.entry_points)
    }

    assert publishers == {"notifier", "alert_flush"}
    notifier = _policy_statements(synth, functions["notifier"])
    email_topic = {"Ref": synth.logical_id(synth.stack.topics["email"])}
    assert any(
        "sns:Publish" in _as_list(s["Action"]) and email_topic in _as_list(s["Resource"])
        for s in notifier
    )


def test_the_digest_sender_is_an_ses_identity_and_in_every_functions_environment(
    synth: Synth,
) -> None:
    identities = synth.of_type("AWS::SES::EmailIdentity")
    assert [i["Properties"]["EmailIdentity"] for i in identities.values()] == [
        "digests@example.com"
    ]
    for function in app_model.functions():
        variables = _function(synth, function)["Properties"]["Environment"]["Variables"]
        assert variables["TIDINGS_DIGEST_SENDER"] == "digests@example.com", function.name


def test_notifier_is_subscribed_to_the_mentions_topic(synth: Synth) -> None:
    notifier = synth.resources["Notifier"]["Properties"]["Events"]["NotifierSnsSubscription"]

    assert notifier["Properties"]["Topic"] == {
        "Ref": synth.logical_id(synth.stack.topics["mentions"])
    }


def test_schedules_come_from_the_app(synth: Synth) -> None:
    for function in app_model.functions():
        if function.kind != "schedule":
            continue
        events = _function(synth, function)["Properties"]["Events"].values()
        assert [e["Properties"]["Schedule"] for e in events] == [function.schedule]


def test_secrets_are_named_placeholders_never_values(synth: Synth) -> None:
    parameters = synth.of_type("AWS::SSM::Parameter")
    names = {p["Properties"]["Name"] for p in parameters.values()}

    assert f"/tidings/{STAGE}/slack/webhook-url" in names
    for parameter in parameters.values():
        value = parameter["Properties"]["Value"]
        assert value["Fn::Join"][1][0] == "unset", parameter
        assert "Placeholder" in parameter["Properties"]["Description"]


# -- API --------------------------------------------------------------------------------------


def test_the_gateway_lets_requests_reach_the_apps_own_key_and_signature_checks(
    synth: Synth,
) -> None:
    body = synth.resources["RestAPI"]["Properties"]["DefinitionBody"]

    assert "sigv4" not in body.get("securityDefinitions", {})
    for methods in body["paths"].values():
        for method, operation in methods.items():
            if method != "options" and not method.startswith("x-"):
                assert "security" not in operation


def test_with_iam_api_only_management_routes_demand_sigv4(synth: Synth) -> None:
    paths = synth.resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]

    protected = {path for path, _ in sigv4_operations(paths)}

    assert "/watches" in protected
    assert "/analytics/volume" in protected
    public = {"/", "/health", "/openapi.json", "/slack/interactions", "/webhooks/meta"}
    assert not protected & public
    assert not any(path.startswith("/dashboard") for path in protected)


def test_the_api_function_may_read_api_keys_and_queue_depths(synth: Synth) -> None:
    api = next(f for f in app_model.functions() if f.name == "api_handler")
    needs = function_needs(api.entry_points)

    assert any(n.action == "dynamodb:GetItem" and n.resource == "api_keys" for n in needs)
    assert any(n.action == "sqs:GetQueueAttributes" for n in needs)


def test_outputs_give_the_urls_and_topic_arns(synth: Synth) -> None:
    outputs = synth.template["Outputs"]

    assert {
        "ApiUrl",
        "WebhooksUrl",
        "DashboardUrl",
        "MentionsTopicArn",
        "OperationsTopicArn",
    } <= set(outputs)
    assert "#dashboards:name=tidings-dev" in outputs["DashboardUrl"]["Value"]


# -- alarms -----------------------------------------------------------------------------------


def test_alarms_watch_dlqs_functions_sources_and_the_api(synth: Synth) -> None:
    alarms = list(synth.of_type("AWS::CloudWatch::Alarm").values())
    ops_topic = {"Ref": synth.logical_id(synth.stack.topics["operations"])}
    watched = {
        (a["Properties"].get("MetricName"), json.dumps(a["Properties"].get("Dimensions")))
        for a in alarms
    }

    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [ops_topic]
    metrics = [m for m, _ in watched]
    assert metrics.count("ApproximateNumberOfMessagesVisible") == len(synth.stack.dlqs)
    for function in app_model.functions():
        name = f"tidings-{STAGE}-{function.name}"
        for metric in ("Errors", "Throttles"):
            assert any(m == metric and name in d for m, d in watched), (metric, name)
    assert {"5XXError", "SourceFailures", "MentionsReceived"} <= set(metrics)
    assert synth.of_type("AWS::CloudWatch::Dashboard")


# -- IAM --------------------------------------------------------------------------------------


def _policy_statements(synth: Synth, function: app_model.Function) -> list[dict[str, Any]]:
    role = _function(synth, function)["Properties"]["Role"]["Fn::GetAtt"][0]
    statements: list[dict[str, Any]] = []
    for policy in synth.of_type("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    role_props = synth.resources[role]["Properties"]
    assert "ManagedPolicyArns" not in role_props
    assert "Policies" not in role_props
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _expected_resource(synth: Synth, need: Need) -> Any:
    stack = synth.stack
    if need.resource_kind == "table":
        return {"Fn::GetAtt": [synth.logical_id(stack.tables[need.resource]), "Arn"]}
    if need.resource_kind == "queue":
        return {"Fn::GetAtt": [synth.logical_id(stack.queues[need.resource]), "Arn"]}
    if need.resource_kind == "topic":
        return {"Ref": synth.logical_id(stack.topics[need.resource])}
    if need.resource_kind == "parameters":
        return stack.resolve(stack._resource_arns(need)[0])
    return "*"


@pytest.mark.parametrize("function", app_model.functions(), ids=lambda f: f.name)
def test_each_function_may_do_what_its_code_calls_and_nothing_wider(
    synth: Synth, function: app_model.Function
) -> None:
    statements = _policy_statements(synth, function)
    granted = [
        (action, resource)
        for s in statements
        if s["Effect"] == "Allow"
        for action in _as_list(s["Action"])
        for resource in _as_list(s["Resource"])
    ]

    for action, _ in granted:
        service, _, verb = action.partition(":")
        assert "*" not in verb or service not in DATA_SERVICES, action
    for need in function_needs(function.entry_points):
        assert (need.action, _expected_resource(synth, need)) in granted, need
    if function.queue:
        assert any(a == "sqs:ReceiveMessage" for a, _ in granted)


def test_the_code_scanner_finds_what_the_handlers_call() -> None:
    functions = {f.name: f for f in app_model.functions()}

    planner = function_needs(functions["plan_polls"].entry_points)
    notifier = function_needs(functions["notifier"].entry_points)
    ingest = function_needs(functions["ingest_worker"].entry_points)

    assert Need("sqs:SendMessage", "queue", "poll") in planner
    assert Need("dynamodb:Query", "table", "watches") in planner
    assert not any(n.action in {"dynamodb:PutItem", "dynamodb:DeleteItem"} for n in planner)
    assert Need("ssm:GetParameter", "parameters", "*") in notifier
    assert not any(n.resource in {"mentions", "mention_keys"} for n in notifier)
    assert Need("dynamodb:PutItem", "table", "mentions") in ingest
    assert Need("sns:Publish", "topic", "mentions") in ingest
    # the poller reaches every connector through the registry's CONNECTORS mapping
    modules = {unit.module for unit in reached(functions["poll_worker"].entry_points)}
    assert {"chalicelib.sources.rss", "chalicelib.sources.hackernews"} <= modules


# -- per-source alarms, analysis settings, environment -----------------------------------------


def test_each_source_kind_has_its_own_failing_alarm_with_the_threshold(synth: Synth) -> None:
    from chalicelib.sources.registry import known_kinds

    alarms = list(synth.of_type("AWS::CloudWatch::Alarm").values())
    by_source: dict[str, dict[str, Any]] = {}
    for alarm in alarms:
        for query in alarm["Properties"].get("Metrics", []):
            stat = query.get("MetricStat", {}).get("Metric", {})
            dimensions = {d["Name"]: d["Value"] for d in stat.get("Dimensions", [])}
            if stat.get("MetricName") == "SourceFailures" and "source" in dimensions:
                by_source[dimensions["source"]] = alarm["Properties"]

    assert set(by_source) == set(known_kinds())
    for kind, alarm in by_source.items():
        assert alarm["EvaluationPeriods"] == 12, kind  # 60 minutes of 5-minute periods
        assert alarm["TreatMissingData"] == "notBreaching", kind  # a kind no watch polls
        names = {
            q["MetricStat"]["Metric"]["MetricName"] for q in alarm["Metrics"] if "MetricStat" in q
        }
        assert names == {"SourceFailures", "SourceSuccesses"}, kind


def test_a_kinds_own_threshold_comes_from_context() -> None:
    from infra.cdk_app import _minutes_by_kind

    assert _minutes_by_kind("appstore=1440, x=240") == (("appstore", 1440), ("x", 240))
    assert _minutes_by_kind(None) == ()


def test_comprehend_is_granted_only_where_reached_and_only_when_switched_on(
    synth: Synth,
) -> None:
    functions = {f.name: f for f in app_model.functions()}
    comprehend = {
        Need("comprehend:DetectSentiment", "any", "*"),
        Need("comprehend:DetectDominantLanguage", "any", "*"),
    }

    for name in ("poll_worker", "ingest_worker"):
        assert switched_needs(functions[name].entry_points, "comprehend") == comprehend
        assert switched_needs(functions[name].entry_points, "builtin") == set()
    assert switched_needs(functions["notifier"].entry_points, "comprehend") == set()
    # the default stage (builtin sentiment) grants no Comprehend action to anyone
    for policy in synth.of_type("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert not any(a.startswith("comprehend:") for a in _as_list(statement["Action"]))


# Settings whose built-in default is what a deployed function should use (the platforms' own
# URLs, tunables with production defaults) or that only a local stack sets. Any other Settings
# variable must be in every function's environment: a new setting makes you decide here.
DEFAULTED = {
    "TIDINGS_AWS_ENDPOINT",  # local stack only
    "TIDINGS_DYNAMODB_ENDPOINT",  # local stack only
    "TIDINGS_APPSTORE_URL",
    "TIDINGS_BLUESKY_URL",
    "TIDINGS_GITHUB_GRAPHQL_URL",
    "TIDINGS_GITHUB_URL",
    "TIDINGS_HACKERNEWS_URL",
    "TIDINGS_MASTODON_SCHEME",
    "TIDINGS_REDDIT_AUTH_URL",
    "TIDINGS_REDDIT_PUBLIC_URL",
    "TIDINGS_REDDIT_URL",
    "TIDINGS_SLACK_API_URL",
    "TIDINGS_STACKEXCHANGE_URL",
    "TIDINGS_WEBSUB_HUB_URL",
    "TIDINGS_X_URL",
    "TIDINGS_YOUTUBE_URL",
    "TIDINGS_ALERT_LEASE_S",
    "TIDINGS_CLAIM_LEASE_S",
    "TIDINGS_DIGEST_HOUR",
    "TIDINGS_HTTP_TIMEOUT_S",
    "TIDINGS_POLL_MAX_PAGES",
    "TIDINGS_RETENTION_DAYS",
    "TIDINGS_WEBHOOK_MAX_AGE_S",
    "TIDINGS_WEBHOOK_MAX_BODY_BYTES",
    "TIDINGS_X_MONTHLY_READS_PER_WATCH",
    "TIDINGS_YOUTUBE_DAILY_QUOTA_UNITS",
}


def _settings_variables() -> set[str]:
    import re

    from chalicelib import settings

    source = Path(settings.__file__).read_text(encoding="utf-8")
    return set(re.findall(r'"(TIDINGS_[A-Z0-9_]+)"', source))


def _function_variables(synth: Synth, function: app_model.Function) -> set[str]:
    properties = _function(synth, function)["Properties"]
    own = set(properties.get("Environment", {}).get("Variables", {}))
    globals_ = synth.template.get("Globals", {}).get("Function", {})
    return own | set(globals_.get("Environment", {}).get("Variables", {}))


@pytest.mark.parametrize("function", app_model.functions(), ids=lambda f: f.name)
def test_every_setting_a_function_reads_is_in_its_environment(
    synth: Synth, function: app_model.Function
) -> None:
    needed = _settings_variables() - DEFAULTED
    if function.kind == "api":  # its own URL would be a circular reference; it reads the request
        needed.discard("TIDINGS_PUBLIC_BASE_URL")

    missing = needed - _function_variables(synth, function)

    assert not missing, f"{function.name} lacks {sorted(missing)}"
    assert {"TIDINGS_SENTIMENT_BACKEND", "TIDINGS_INFLUENCER_REACH", "TIDINGS_LANGUAGES"} <= needed


def test_the_defaulted_list_names_only_real_settings() -> None:
    assert _settings_variables() >= DEFAULTED
