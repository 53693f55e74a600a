"""Errors by what the caller should do about them: retry later, or give up and report."""

from __future__ import annotations


class TidingsError(Exception):
    """Base of every error Tidings raises on purpose."""


class TransientError(TidingsError):
    """Worth retrying: a timeout, a 429, a 5xx. The job goes back to the queue."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(TidingsError):
    """Retrying will not help: bad credentials, a 404, a body that is not what it claims."""


class SourceError(TidingsError):
    """A source failed; wraps the cause with the source's name for logs and health."""

    def __init__(
        self, source: str, message: str, *, transient: bool, reason: str | None = None
    ) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.transient = transient
        # For health: transient, permanent, credentials (missing or rejected) or budget.
        self.reason = reason or ("transient" if transient else "permanent")


class ValidationError(TidingsError):
    """Input that does not make sense; the message says what is wrong and is shown to the user."""


class SignatureError(TidingsError):
    """A request whose signature, timestamp or secret does not check out."""
