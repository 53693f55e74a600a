"""The deployment package: `chalice package`'s deployment.zip, stripped of what the Lambda runtime
provides exactly as the stack strips it (`infra.packaging.strip_provided`), zipped and unzipped,
in MB of 10^6 bytes. Lambda's limits are 50 MiB zipped (direct upload) and 250 MiB unzipped;
the target is under 15 MB zipped.

`chalice package` resolves requirements.txt with pip, which may download wheels from PyPI
(cached in `.chalice/deployments/` afterwards); when it cannot, the reason is printed and no
figure is reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from infra.packaging import strip_provided

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def _sizes(package: Path) -> tuple[float, float]:
    with zipfile.ZipFile(package) as zf:
        unzipped = sum(info.file_size for info in zf.infolist())
    return package.stat().st_size / MB, unzipped / MB


def run() -> dict[str, float]:
    chalice = Path(sys.executable).with_name("chalice")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "package"
        done = subprocess.run(
            [str(chalice), "package", "--stage", "dev", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            # `chalice package` needs a region to name ARNs; it never calls AWS.
            env={
                **os.environ,
                "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
            },
            check=False,
        )
        package = out / "deployment.zip"
        if done.returncode != 0 or not package.exists():
            reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            print(f"  chalice package failed, no package figures: {reason[0]}")
            return {}
        zipped_before, unzipped_before = _sizes(package)
        removed = strip_provided(package)
        zipped, unzipped = _sizes(package)
    print(f"  left out (the Lambda runtime provides them): {', '.join(removed) or 'nothing'}")
    return {
        "package_zip_mb": zipped,
        "package_unzipped_mb": unzipped,
        "package_zip_mb_with_runtime_packages": zipped_before,
        "package_unzipped_mb_with_runtime_packages": unzipped_before,
    }
