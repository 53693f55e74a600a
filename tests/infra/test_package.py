"""The deployment package leaves out what the Lambda Python runtime provides."""

from __future__ import annotations

import zipfile
from pathlib import Path

from infra.packaging import strip_provided


def test_strip_provided_removes_the_runtimes_packages_and_keeps_the_rest(tmp_path: Path) -> None:
    # Given a package as `chalice package` writes it, botocore pulled in by pynamodb
    package = tmp_path / "deployment.zip"
    files = {
        "app.py": "import chalicelib\n",
        "botocore/__init__.py": "",
        "botocore/data/ec2/service-2.json.gz": "x" * 1000,
        "botocore-1.44.5.dist-info/METADATA": "Name: botocore\n",
        "boto3/__init__.py": "",
        "s3transfer/__init__.py": "",
        "pynamodb/connection/_botocore_private.py": "",
        "botocore_extras/__init__.py": "",
        "cryptography/__init__.py": "",
    }
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)

    # When it is stripped
    removed = strip_provided(package)

    # Then boto3, botocore and s3transfer are gone, and everything else is still there
    with zipfile.ZipFile(package) as zf:
        left = set(zf.namelist())
        assert zf.testzip() is None
    assert removed == ["boto3", "botocore", "botocore-1.44.5.dist-info", "s3transfer"]
    assert left == {
        "app.py",
        "pynamodb/connection/_botocore_private.py",
        "botocore_extras/__init__.py",
        "cryptography/__init__.py",
    }
