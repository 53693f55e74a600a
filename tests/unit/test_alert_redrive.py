"""What the redrive publishes again from a DLQ message, whichever shape the DLQ holds."""

from __future__ import annotations

import json

from chalicelib.aws.redrive import notifications


def test_a_lambda_on_failure_event_gives_back_its_sns_message_and_attributes() -> None:
    # Given the SNS event Lambda put in the notifier's DLQ after its retries
    body = json.dumps(
        {
            "Records": [
                {
                    "Sns": {
                        "Message": '{"watch_id": "acme"}',
                        "MessageAttributes": {"watch": {"Type": "String", "Value": "acme"}},
                    }
                }
            ]
        }
    )

    # Then the message goes back with its attributes, marked as a redrive
    assert notifications(body) == [
        (
            '{"watch_id": "acme"}',
            {
                "watch": {"DataType": "String", "StringValue": "acme"},
                "redrive": {"DataType": "String", "StringValue": "notifier"},
            },
        )
    ]


def test_an_sns_envelope_from_an_sqs_subscription_is_read_the_same_way() -> None:
    body = json.dumps(
        {
            "Type": "Notification",
            "Message": "{}",
            "MessageAttributes": {"reach": {"Type": "Number", "Value": "85.0"}},
        }
    )

    [(message, attributes)] = notifications(body)

    assert message == "{}"
    assert attributes["reach"] == {"DataType": "Number", "StringValue": "85.0"}
