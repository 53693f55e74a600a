"""Cold start: what `import app` (the Lambda entry module) costs next to `import boto3` alone.

Each figure is the median of fresh interpreters' `-X importtime` cumulative microseconds.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def _import_us(module: str) -> float:
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        last = [line for line in out.splitlines() if line.rstrip().endswith(f"| {module}")][-1]
        samples.append(float(last.split("|")[1]))
    return statistics.median(samples)


def run() -> dict[str, float]:
    app_us, boto3_us = _import_us("app"), _import_us("boto3")
    return {
        "import_app_ms": app_us / 1000,
        "import_boto3_ms": boto3_us / 1000,
        "import_ratio_vs_boto3": app_us / boto3_us,
    }
