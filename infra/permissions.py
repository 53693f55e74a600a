"""Which AWS actions each function's code calls, on which resources: found by reading the code.

From a function's entry points the scanner follows the code it reaches (calls within a module,
imports of `chalicelib`, the adapters `services()` builds for each field it touches) and maps
what it finds to IAM actions:

- `client("sqs").send_message_batch(...)`  -> `sqs:SendMessage` (boto3 method -> IAM action),
- PynamoDB calls on the models (`Model.query`, `.save`, `.update`, transactions, ...)
  -> `dynamodb:Query`, `PutItem`, `UpdateItem`, ... on the tables of the models named,
- `get_secret(...)` / Powertools `SSMProvider` -> `ssm:GetParameter` on the parameter prefix.

The stack grants exactly these; the infra test checks the synthesised policies cover them.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from dataclasses import dataclass
from functools import cache

COMPOSITION_ROOT = "chalicelib.services"

# boto3 methods whose IAM action is not the CamelCase of the method name.
BOTO_EXCEPTIONS = {
    ("sqs", "send_message_batch"): "SendMessage",
    ("sqs", "delete_message_batch"): "DeleteMessage",
    ("sqs", "change_message_visibility_batch"): "ChangeMessageVisibility",
    ("sns", "publish_batch"): "Publish",
    ("ssm", "get_parameters_by_path"): "GetParametersByPath",
}
PYNAMO_OPERATIONS = {
    "query": "Query",
    "scan": "Scan",
    "count": "Query",
    "get": "GetItem",
    "refresh": "GetItem",
    "batch_get": "BatchGetItem",
    "save": "PutItem",
    "update": "UpdateItem",
    "delete": "DeleteItem",
    "batch_write": "BatchWriteItem",
    "condition_check": "ConditionCheckItem",
}
SSM_PROVIDER = {"get": "GetParameter", "get_multiple": "GetParametersByPath"}


@dataclass(frozen=True, order=True)
class Need:
    """One IAM action on one kind of resource: ("dynamodb:Query", "table", "watches")."""

    action: str
    resource_kind: str  # table, queue, topic, parameters, any
    resource: str  # the table's name in MODELS, the queue/topic name suffix, or "*"


@dataclass(frozen=True)
class Unit:
    """A piece of code: a module's top-level function or class, with the resource it is bound to
    when `services()` built it for one purpose (an SqsJobQueue for the poll queue)."""

    module: str
    name: str
    binding: str | None = None


@cache
def _tree(module: str) -> ast.Module | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # "module.name" where name is not a module
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    with open(spec.origin, encoding="utf-8") as source:
        return ast.parse(source.read())


@cache
def _definitions(module: str) -> dict[str, ast.AST]:
    """Top-level functions, classes and variables by name, and methods as "Class.method"."""
    tree = _tree(module)
    if tree is None:
        return {}
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            # a registry such as CONNECTORS = {...}: what it names is reached through it
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}.{item.name}"] = item
    return found


def _imports(module: str, scope: ast.AST) -> dict[str, str]:
    """Local name -> "module" or "module.name", for every chalicelib import in the scope."""
    names: dict[str, str] = {}
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("chalicelib")
        ):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("chalicelib"):
                    names[alias.asname or alias.name] = alias.name
    return names


@cache
def _services_fields() -> dict[str, tuple[str, str | None]]:
    """Services field -> ("module.Class" of its adapter, settings attribute it is bound to)."""
    tree = _tree(COMPOSITION_ROOT)
    assert tree is not None
    root = _definitions(COMPOSITION_ROOT)["services"]
    imports = _imports(COMPOSITION_ROOT, root)
    fields: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(root):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg is None or not isinstance(value, ast.Call):
                continue
            target = _resolve(value.func, imports)
            binding = next((a.attr for a in value.args if isinstance(a, ast.Attribute)), None)
            if target:
                fields[keyword.arg] = (target, binding)
    return fields


def _resolve(node: ast.expr, imports: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name) and node.id in imports:
        return imports[node.id]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        base = imports.get(node.value.id)
        if base:
            return f"{base}.{node.attr}"
    return None


def _split(dotted: str) -> Unit | None:
    module, _, name = dotted.rpartition(".")
    if module and name in _definitions(module):
        return Unit(module, name)
    return None


def _services_methods() -> set[str]:
    node = _definitions(COMPOSITION_ROOT).get("Services")
    if not isinstance(node, ast.ClassDef):
        return set()
    return {n.name for n in node.body if isinstance(n, ast.FunctionDef)}


def _field_unit(attribute: ast.Attribute, parent: ast.AST | None) -> Unit | None:
    """`svc.watches.list` reaches only `DynamoWatchRepository.list`; `svc.watches` passed on
    as a value reaches the whole class (what the callee calls on it is not known here)."""
    target, binding = _services_fields()[attribute.attr]
    split = _split(target)
    if split is None:
        return None
    if isinstance(parent, ast.Attribute) and parent.value is attribute:
        method = f"{split.name}.{parent.attr}"
        if method in _definitions(split.module):
            return Unit(split.module, method, binding)
    return Unit(split.module, split.name, binding)


def _name_units(name: ast.Name, unit: Unit, imports: dict[str, str]) -> set[Unit]:
    """A name of this module's function or class, or of an imported one."""
    if name.id in _definitions(unit.module) and name.id != unit.name:
        return {Unit(unit.module, name.id)}
    split = _split(imports[name.id]) if name.id in imports else None
    return {split} if split else set()


def _attribute_units(
    attribute: ast.Attribute, parent: ast.AST | None, unit: Unit, imports: dict[str, str]
) -> set[Unit]:
    """`svc.<field>` (an adapter), `svc.<method>()`, `self.<method>`, `module.<name>`."""
    found: set[Unit] = set()
    value = attribute.value
    if attribute.attr in _services_fields() and not (
        isinstance(value, ast.Name) and value.id in imports
    ):
        field_unit = _field_unit(attribute, parent)
        if field_unit:
            found.add(field_unit)
    elif attribute.attr in _services_methods():
        found.add(Unit(COMPOSITION_ROOT, f"Services.{attribute.attr}"))
    if isinstance(value, ast.Name) and value.id == "self":
        method = f"{unit.name.split('.')[0]}.{attribute.attr}"
        if method in _definitions(unit.module) and method != unit.name:
            found.add(Unit(unit.module, method, unit.binding))
    resolved = _resolve(attribute, imports)
    split = _split(resolved) if resolved else None
    if split:
        found.add(split)
    return found


def _children(unit: Unit) -> set[Unit]:
    """The code units this one reaches."""
    node = _definitions(unit.module).get(unit.name)
    if node is None or (unit.module, unit.name) == (COMPOSITION_ROOT, "services"):
        return set()
    imports = {**_imports(unit.module, _tree(unit.module) or node), **_imports(unit.module, node)}
    parents = {child: parent for parent in ast.walk(node) for child in ast.iter_child_nodes(parent)}
    found: set[Unit] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found |= _name_units(child, unit, imports)
        elif isinstance(child, ast.Attribute):
            found |= _attribute_units(child, parents.get(child), unit, imports)
    return {u for u in found if u.module.startswith("chalicelib")}


def reached(entry_points: tuple[str, ...]) -> set[Unit]:
    """Every code unit the entry points reach, transitively."""
    todo = [u for u in (_split(e) for e in entry_points) if u]
    seen: set[Unit] = set()
    while todo:
        unit = todo.pop()
        if unit in seen:
            continue
        seen.add(unit)
        todo.extend(_children(unit) - seen)
    return seen


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _binding_resource(binding: str | None) -> tuple[str, str]:
    """`poll_queue_url` -> ("queue", "poll"); `mentions_topic_arn` -> ("topic", "mentions")."""
    if binding:
        match = re.fullmatch(r"(\w+)_(queue|topic)_(url|arn)", binding)
        if match:
            return match.group(2), match.group(1)
    return "any", "*"


def _model_tables() -> dict[str, str]:
    from chalicelib.store.tables import MODELS

    return {model.__name__: name for name, model in MODELS.items()}


def _receiver_is_pynamodb(receiver: ast.expr, models: dict[str, str]) -> bool:
    if isinstance(receiver, ast.Name):
        lowered = receiver.id.lower()
        return receiver.id in models or "model" in lowered or lowered == "transaction"
    if isinstance(receiver, ast.Call):
        func = receiver.func
        return not (isinstance(func, ast.Name) and func.id in {"dict", "super", "services"})
    return False


def _names(node: ast.AST, wanted: dict[str, str]) -> set[str]:
    return {wanted[n.id] for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in wanted}


def _tables_named(unit: Unit, node: ast.AST, models: dict[str, str]) -> set[str]:
    """The tables of the models a unit names; a method that names none (it builds its item in
    a helper) works on those its class names."""
    tables = _names(node, models)
    if not tables and "." in unit.name:
        owner = _definitions(unit.module).get(unit.name.split(".")[0])
        tables = _names(owner, models) if owner is not None else set()
    return tables


def _imports_any(module: str) -> set[str]:
    tree = _tree(module)
    if tree is None:
        return set()
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    }


def _client_service(node: ast.expr) -> str | None:
    """ "sqs" for `client("sqs")`, the adapters' one way to get a boto3 client."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "client"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


def _client_properties(unit: Unit) -> dict[str, str]:
    """The properties of a method's class that make a boto3 client: `self._comprehend` when
    `_comprehend` is a property calling `client("comprehend")` (a lazily made client)."""
    if "." not in unit.name:
        return {}
    owner = _definitions(unit.module).get(unit.name.split(".")[0])
    if not isinstance(owner, ast.ClassDef):
        return {}
    found: dict[str, str] = {}
    for item in owner.body:
        if not isinstance(item, ast.FunctionDef) or not any(
            isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list
        ):
            continue
        for call in ast.walk(item):
            if isinstance(call, ast.Call) and (service := _client_service(call)):
                found[item.name] = service
    return found


def needs_of(unit: Unit) -> set[Need]:
    """The IAM actions one code unit calls."""
    node = _definitions(unit.module).get(unit.name)
    if node is None:
        return set()
    models = _model_tables()
    found: set[Need] = set()
    tables = _tables_named(unit, node, models)
    uses_ssm_provider = "SSMProvider" in _imports_any(unit.module)
    kind, resource = _binding_resource(unit.binding)
    clients = {  # sqs = client("sqs"); sqs.send_message(...)
        target.id: service
        for assign in ast.walk(node)
        if isinstance(assign, ast.Assign) and (service := _client_service(assign.value))
        for target in assign.targets
        if isinstance(target, ast.Name)
    }
    properties = _client_properties(unit)  # self._comprehend -> client("comprehend")
    for call in ast.walk(node):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        method, receiver = call.func.attr, call.func.value
        service = _client_service(receiver) or (
            clients.get(receiver.id) if isinstance(receiver, ast.Name) else None
        )
        if (
            service is None
            and isinstance(receiver, ast.Attribute)
            and isinstance(receiver.value, ast.Name)
            and receiver.value.id == "self"
        ):
            service = properties.get(receiver.attr)
        if service:
            action = BOTO_EXCEPTIONS.get((service, method), _camel(method))
            found.add(Need(f"{service}:{action}", kind, resource))
        elif tables and method in PYNAMO_OPERATIONS and _receiver_is_pynamodb(receiver, models):
            for table in tables:
                found.add(Need(f"dynamodb:{PYNAMO_OPERATIONS[method]}", "table", table))
        elif uses_ssm_provider and method in SSM_PROVIDER:
            found.add(Need(f"ssm:{SSM_PROVIDER[method]}", "parameters", "*"))
    return found


# Adapters a deployment switches on (a setting, not the code path, decides whether they run):
# module -> the value of `Settings.sentiment_backend` that switches it on.
SWITCHED_ADAPTERS = {"chalicelib.aws.comprehend": "comprehend"}


def switched_needs(entry_points: tuple[str, ...], sentiment_backend: str) -> set[Need]:
    """What the switched-on adapters a function reaches call: every method of each of their
    classes it reaches (they are called through a protocol, which the scanner cannot follow)."""
    found: set[Need] = set()
    for unit in reached(entry_points):
        if SWITCHED_ADAPTERS.get(unit.module) != sentiment_backend or "." in unit.name:
            continue
        for name in _definitions(unit.module):
            if name.startswith(f"{unit.name}."):
                found |= needs_of(Unit(unit.module, name))
    return found


def function_needs(entry_points: tuple[str, ...]) -> set[Need]:
    """Everything a function's code calls on AWS, as IAM actions on resources."""
    return {need for unit in reached(entry_points) for need in needs_of(unit)}
