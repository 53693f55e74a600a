"""The platform webhooks' secrets as the local configuration names them, mapped to the SSM
parameters the handlers read (the same names a deployment sets with `aws ssm put-parameter`):

    [platform_webhooks.meta]     app_secret, verify_token
    [platform_webhooks.x]        consumer_secret
    [platform_webhooks.youtube]  websub_secret
    [platform_webhooks.sns]      <integration> = "<the TopicArn it accepts>"
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.errors import ValidationError
from chalicelib.settings import Settings


def platform_parameters(settings: Settings, sections: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(parameter name, value) for every non-empty value; unknown keys are an error, not ignored."""
    names: dict[tuple[str, str], str] = {
        ("meta", "app_secret"): settings.meta_app_secret_parameter,
        ("meta", "verify_token"): settings.meta_verify_token_parameter,
        ("x", "consumer_secret"): settings.x_consumer_secret_parameter,
        ("youtube", "websub_secret"): settings.websub_secret_parameter,
    }
    pairs: list[tuple[str, str]] = []
    for section, values in sections.items():
        if not isinstance(values, Mapping):
            raise ValidationError(f"platform_webhooks.{section} must be a table")
        for key, value in values.items():
            if section == "sns":
                name = settings.sns_topic_arn_parameter(str(key))
            elif (section, key) in names:
                name = names[(section, key)]
            else:
                raise ValidationError(f"platform_webhooks.{section}: unknown key {key!r}")
            if value:
                pairs.append((name, str(value)))
    return pairs
