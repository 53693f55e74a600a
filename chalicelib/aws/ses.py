"""Email through SES: the digests (HTML with a plain-text part) and spike alerts by email."""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.aws.clients import client, refusals

# SES refuses these for good: an unverified sender, a bad address, a paused account.
PERMANENT_CODES = {"MessageRejected", "MailFromDomainNotVerified", "InvalidParameterValue"}
MAX_RECIPIENTS = 50  # SES's limit per message


def send_email(
    sender: str, recipients: Sequence[str], subject: str, html: str, text: str
) -> list[str]:
    """Send one message per 50 recipients; return the SES message ids."""
    ids: list[str] = []
    for start in range(0, len(recipients), MAX_RECIPIENTS):
        chunk = list(recipients[start : start + MAX_RECIPIENTS])
        with refusals("ses", PERMANENT_CODES):
            response = client("ses").send_email(
                Source=sender,
                Destination={"ToAddresses": chunk},
                Message={
                    "Subject": {"Data": subject[:200], "Charset": "UTF-8"},
                    "Body": {
                        "Text": {"Data": text, "Charset": "UTF-8"},
                        "Html": {"Data": html, "Charset": "UTF-8"},
                    },
                },
            )
        ids.append(str(response["MessageId"]))
    return ids


def verify_sender(address: str) -> None:
    """Ask SES to verify the sender (the local stack and tests; on AWS, infra does it once)."""
    client("ses").verify_email_identity(EmailAddress=address)
