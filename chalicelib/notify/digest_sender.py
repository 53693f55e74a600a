"""The address digests and spike emails come from, or a clear warning that there is none.

A deployment without `digest_sender` (infra context, `TIDINGS_DIGEST_SENDER`) has no verified
SES identity to send from: rather than fail every send, email is skipped and the reason is
logged and shown in `GET /health` under `alerts.digest_sender`.
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger
from chalicelib.settings import Settings

NOT_SET = (
    "TIDINGS_DIGEST_SENDER is not set: email digests and spike emails are skipped; "
    "deploy with DIGEST_SENDER=<a verified SES address> (README: Deploying)"
)


def digest_sender(settings: Settings) -> str | None:
    """The sender, or None (with a warning in the log) when the deployment set none."""
    if settings.digest_sender:
        return settings.digest_sender
    logger.warning("digest sender not set", hint=NOT_SET)
    return None


def digest_sender_status(settings: Settings) -> dict[str, Any]:
    """What /health shows: the sender, or the warning."""
    sender = settings.digest_sender
    return {"ok": bool(sender), "sender": sender or None, "warning": None if sender else NOT_SET}
