"""Leave out of the deployment package what the Lambda Python runtime already provides.

`requirements.txt` never names boto3 or botocore, but pynamodb depends on botocore, and pip
(which `chalice package` runs, with no per-package `--no-deps`) brings it in: 16 of the 24 MB
zipped. The python3.11 runtime ships boto3, botocore and s3transfer, and the functions use
those. `strip_provided` rewrites the zip without them; both the stack
(`infra.chalice_app.TidingsChalice`, what `make deploy` and `make synth` build) and
`python -m bench package` call it, so the measured package is the deployed one. Chalice has no
setting for this (aws/chalice#1043, #1335). Standard library only: the bench runs without CDK.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

# Top-level names in the zip (packages and their `*.dist-info`) the runtime provides.
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")


def _provided(name: str) -> bool:
    """`botocore/...` and `botocore-1.44.5.dist-info/...` are; `botocore_x/...` is not."""
    top = name.split("/", 1)[0]
    if top.endswith(".dist-info"):
        top = top.split("-", 1)[0]
    return top.lower() in PROVIDED_BY_RUNTIME


def strip_provided(zip_path: Path) -> list[str]:
    """Rewrite `zip_path` without the runtime's packages; return the top-level names removed."""
    removed: set[str] = set()
    tmp = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(tmp, "w") as target:
        for info in source.infolist():
            if _provided(info.filename):
                removed.add(info.filename.split("/", 1)[0])
                continue
            # The same ZipInfo keeps each file's permissions and compression.
            target.writestr(info, source.read(info.filename), compress_type=info.compress_type)
    os.replace(tmp, zip_path)
    return sorted(removed)
