"""Write requirements.txt (what Chalice packages) from pyproject.toml's runtime dependencies.

boto3 and botocore are left out because the Lambda Python runtime provides them, and chalice
because `chalice package` bundles its own runtime: packaging them would add tens of megabytes
to every function. pynamodb still pulls botocore in through pip; `infra/packaging.py` strips it
from the built package. `--check` exits 1 when the file has drifted.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVIDED_BY_LAMBDA = {"boto3", "botocore", "chalice"}
HEADER = "# Generated from pyproject.toml by `make requirements`; do not edit.\n"


def expected() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = [
        dep
        for dep in project["dependencies"]
        if dep.split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip().lower()
        not in PROVIDED_BY_LAMBDA
    ]
    return HEADER + "".join(f"{line}\n" for line in lines)


def main(argv: list[str]) -> int:
    target = ROOT / "requirements.txt"
    if "--check" in argv:
        if not target.exists() or target.read_text() != expected():
            print("requirements.txt has drifted from pyproject.toml: run `make requirements`")
            return 1
        return 0
    target.write_text(expected())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
