"""What gets deployed, and the architecture's import rules, read from the source files."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHALICELIB = ROOT / "chalicelib"
PROVIDED_BY_LAMBDA = {"boto3", "botocore", "chalice"}


def load_sync_script() -> ModuleType:
    path = ROOT / "scripts" / "sync_requirements.py"
    spec = importlib.util.spec_from_file_location("sync_requirements", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def requirement_names(text: str) -> list[str]:
    names = []
    for line in text.splitlines():
        name = line.split("#")[0].strip()
        if name:
            for stop in "[<>=!~; ":
                name = name.split(stop)[0]
            names.append(name.lower())
    return names


# requirements.txt


def test_requirements_txt_is_what_the_sync_script_would_write() -> None:
    # Given the runtime dependencies in pyproject.toml
    expected = load_sync_script().expected()

    # When compared with the committed requirements.txt
    actual = (ROOT / "requirements.txt").read_text()

    # Then they agree: run `make requirements` when this fails
    assert actual == expected


def test_requirements_txt_leaves_out_what_lambda_and_chalice_provide() -> None:
    names = requirement_names((ROOT / "requirements.txt").read_text())

    assert names, "requirements.txt lists nothing"
    assert PROVIDED_BY_LAMBDA.isdisjoint(names)
    assert {"aws-lambda-powertools", "pynamodb", "requests", "feedparser"} <= set(names)


def test_the_sync_script_leaves_out_provided_packages_whatever_their_spelling() -> None:
    # The drift test above is only as good as the filter it compares with
    script = load_sync_script()
    names = requirement_names(script.expected())

    assert PROVIDED_BY_LAMBDA.isdisjoint(names)
    assert script.expected().startswith("# Generated from pyproject.toml")


# Import rules


def imported_modules(tree: ast.AST) -> set[str]:
    """Top-level names of every absolute import, including those inside functions and
    `if TYPE_CHECKING:` blocks."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def source_files(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.py"))
    assert files, f"no Python files under {folder}"
    return files


def importers_of(module: str) -> set[str]:
    """Files under chalicelib/ (and app.py) that import `module`, relative to the repo root."""
    files = [*source_files(CHALICELIB), ROOT / "app.py"]
    return {
        path.relative_to(ROOT).as_posix()
        for path in files
        if module in imported_modules(ast.parse(path.read_text(), str(path)))
    }


def test_the_import_reader_sees_imports_inside_functions_and_type_checking_blocks() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import pynamodb.models\n"
        "def f():\n    from boto3.session import Session\n"
        "from . import sibling\n"
    )

    assert imported_modules(tree) == {"typing", "pynamodb", "boto3"}


@pytest.mark.parametrize("forbidden", ["boto3", "botocore", "pynamodb", "requests", "chalice"])
def test_the_domain_is_pure_python(forbidden: str) -> None:
    offenders = importers_of(forbidden) & {
        p.relative_to(ROOT).as_posix() for p in source_files(CHALICELIB / "domain")
    }

    assert offenders == set(), f"chalicelib/domain/ must not import {forbidden}"


@pytest.mark.parametrize(
    ("module", "home"), [("boto3", "chalicelib/aws/"), ("pynamodb", "chalicelib/store/")]
)
def test_only_its_adapter_package_imports_an_infrastructure_library(module: str, home: str) -> None:
    importers = importers_of(module)

    assert importers, f"nothing imports {module}: the rule would check nothing"
    assert {p for p in importers if not p.startswith(home)} == set()


# app.py


def app_rule_violations(source: str) -> list[str]:
    """Statements of app.py other than imports, `app = Chalice(...)`, middleware registration
    and register_blueprint calls (directly or in a loop)."""

    def is_app_call(node: ast.stmt, methods: set[str]) -> bool:
        return (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id == "app"
            and node.value.func.attr in methods
        )

    violations = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if (
            isinstance(node, ast.Assign)
            and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["app"]
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "Chalice"
        ):
            continue
        if is_app_call(node, {"register_middleware", "register_blueprint"}):
            continue
        if (
            isinstance(node, ast.For)
            and not node.orelse
            and all(is_app_call(n, {"register_blueprint"}) for n in node.body)
        ):
            continue
        violations.append(f"line {node.lineno}: {ast.unparse(node).splitlines()[0]}")
    return violations


def test_app_py_only_builds_the_app_and_registers_blueprints() -> None:
    # Given app.py as committed
    source = (ROOT / "app.py").read_text()

    # Then it holds imports, the Chalice app, middleware and blueprints, and no routes
    assert app_rule_violations(source) == []
    tree = ast.parse(source)
    assert "Chalice" in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "register_blueprint" in {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def test_the_app_py_rule_catches_a_route_or_logic_added_to_app_py() -> None:
    source = (
        "from chalice.app import Chalice\n"
        "app = Chalice(app_name='tidings')\n"
        "app.register_blueprint(bp)\n"
        "@app.route('/ping')\n"
        "def ping():\n    return {}\n"
        "SETTING = 3\n"
        "app.route('/x')(ping)\n"
    )

    assert [v.split(":")[0] for v in app_rule_violations(source)] == ["line 5", "line 7", "line 8"]


def test_python_version_file_says_3_11() -> None:
    assert (ROOT / ".python-version").read_text().strip() == "3.11"
