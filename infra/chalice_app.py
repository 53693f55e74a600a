"""The Chalice construct the stack deploys: its package leaves out what the runtime provides."""

from __future__ import annotations

from pathlib import Path

from chalice.cdk import Chalice

from infra.packaging import strip_provided


class TidingsChalice(Chalice):
    """`chalice.cdk.Chalice`, whose deployment.zip is stripped of boto3, botocore and
    s3transfer (see `infra.packaging`) before CDK turns it into an asset."""

    def _package_app(self) -> None:
        super()._package_app()
        strip_provided(Path(self._sam_package_dir) / "deployment.zip")
