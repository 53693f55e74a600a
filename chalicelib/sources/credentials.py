"""Source credentials, read from SSM Parameter Store by name and never from configuration.

Parameter names are `<parameter_prefix>/sources/<kind>/<name>`. A credential that is not set is
reported (log, metric, and the watch's health through the permanent `SourceError`) and not
retried until the next scheduled poll, when someone may have set it.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.errors import SourceError
from chalicelib.observability import count_for_source, logger
from chalicelib.settings import Settings

SecretReader = Callable[[str], str | None]


def get_secret(name: str) -> str | None:
    """SSM by name, imported on first use so building a connector needs no AWS client."""
    from chalicelib.aws.secrets import get_secret as read

    return read(name)


def parameter_name(settings: Settings, kind: str, name: str) -> str:
    return f"{settings.parameter_prefix}/sources/{kind}/{name}"


class Credentials:
    """The credentials of one source kind; `secrets` is injectable so tests need no SSM."""

    def __init__(self, kind: str, settings: Settings, secrets: SecretReader = get_secret) -> None:
        self.kind = kind
        self._settings = settings
        self._secrets = secrets

    def optional(self, name: str) -> str | None:
        return self._secrets(parameter_name(self._settings, self.kind, name))

    def required(self, *names: str) -> tuple[str, ...]:
        """Every named credential, or a permanent error naming the parameters to set."""
        values = {name: self.optional(name) for name in names}
        missing = [parameter_name(self._settings, self.kind, n) for n, v in values.items() if not v]
        if missing:
            raise missing_credentials(self.kind, missing)
        return tuple(str(values[name]) for name in names)


def require_secret(source: str, parameter: str, reader: SecretReader) -> str:
    """One credential whose parameter name is configured whole (X's token, YouTube's key)."""
    value = reader(parameter)
    if not value:
        raise missing_credentials(source, [parameter])
    return value


def missing_credentials(source: str, parameters: list[str]) -> SourceError:
    """Logged and counted here, so each source's health and alarm say the same thing."""
    logger.error("source credentials missing", source=source, parameters=parameters)
    count_for_source("SourceCredentialsMissing", source)
    return SourceError(
        source,
        f"credentials missing: set SSM parameter {' and '.join(parameters)}",
        transient=False,
        reason="credentials",
    )
