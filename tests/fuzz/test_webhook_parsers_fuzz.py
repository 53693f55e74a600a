"""Every webhook parser fed arbitrary bytes and mutated recorded deliveries: it returns mentions
the pipeline can store, or refuses with a ValidationError (the route's 400), never anything
else (the route's 500)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from chalicelib.errors import SignatureError, ValidationError
from chalicelib.notify.interactions import parse_interaction
from chalicelib.webhooks import meta, sns_http, websub, x_activity
from chalicelib.webhooks.generic import parse_mention
from tests.fuzz.mutations import assert_usable, json_values, mutated_json, payloads, recorded
from tests.fuzz.samples import GENERIC, SLACK_PAYLOAD, TWEET, X_DELIVERY

pytestmark = pytest.mark.fuzz


@given(payloads([json.dumps(GENERIC).encode()]))
@example(json.dumps({**GENERIC, "id": "\ud800"}).encode("utf-8", "surrogatepass"))
@example(json.dumps({**GENERIC, "published_at": "0001-01-01T00:00:00+14:00"}).encode())
@example(json.dumps({**GENERIC, "published_at": "9999-12-31T23:59:59-14:00"}).encode())
def test_the_generic_webhook_parser(body: bytes) -> None:
    try:
        mention = parse_mention(body, "zap")
    except ValidationError:
        return
    assert_usable(mention)


@given(payloads(recorded("meta")))
@example(
    b'{"object":"page","entry":[{"time":1e300,"changes":[{"field":"feed","value":{"post_id":"1"}}]}]}'
)
@example(
    b'{"object":"page","entry":[{"time":Infinity,"changes":[{"field":"feed","value":{"post_id":"1"}}]}]}'
)
def test_the_meta_delivery_parser(body: bytes) -> None:
    try:
        delivery = meta.parse_delivery(body)
    except ValidationError:
        return
    for mention in delivery.mentions:
        assert_usable(mention)
    assert all(isinstance(d, str) for d in delivery.dropped)


@given(payloads([json.dumps(X_DELIVERY).encode()]))
@example(json.dumps({"tweet_create_events": [{**TWEET, "timestamp_ms": "9" * 30}]}).encode())
@example(json.dumps({"tweet_create_events": [{**TWEET, "timestamp_ms": "²"}]}).encode())
@example(
    json.dumps({"tweet_create_events": [{**TWEET, "timestamp_ms": "253402300799000"}]}).encode()
)
@example(
    json.dumps(
        {"tweet_create_events": [{"id": 1, "text": "", "created_at": "S N 1 1:0:0 -0000 2026"}]}
    ).encode()
)
def test_the_x_activity_parser(body: bytes) -> None:
    try:
        delivery = x_activity.parse_delivery(body)
    except ValidationError:
        return
    for mention in delivery.mentions:
        assert_usable(mention)


@given(payloads(recorded("youtube")[-1:]))  # the WebSub notification (.xml)
@example(b"<feed xmlns='http://www.w3.org/2005/Atom'><entry></entry></feed>")
@example(
    b"<feed xmlns='http://www.w3.org/2005/Atom' xmlns:yt='http://www.youtube.com/xml/schemas/2015'>"
    b"<entry><yt:videoId>v</yt:videoId><published>9999-12-31T23:59:59Z</published></entry></feed>"
)
def test_the_websub_notification_parser(body: bytes) -> None:
    try:
        notification = websub.parse_notification(body)
    except ValidationError:
        return
    for mention in notification.mentions:
        assert_usable(mention)
    assert all(isinstance(v, str) for v in notification.deleted)


@given(payloads(recorded("sns")))
@example(b'{"Type": {}}')
def test_the_sns_envelope_parser(body: bytes) -> None:
    try:
        envelope = sns_http.parse_envelope(body)
    except ValidationError:
        return
    assert isinstance(envelope, dict)
    assert sns_http.string_to_sign(envelope) is not None


@given(
    message=st.text(max_size=80)
    | mutated_json(GENERIC).map(lambda b: b.decode("utf-8", "surrogatepass")),
    subject=st.text(max_size=20),
)
def test_a_verified_sns_message_becomes_a_mention_or_a_clear_refusal(
    message: str, subject: str
) -> None:
    verified = sns_http.SnsMessage(
        type="Notification",
        message_id="m-1",
        topic_arn="arn:aws:sns:us-east-1:1:t",
        message=message,
        subject=subject,
        timestamp=datetime(2026, 11, 21, tzinfo=UTC),
        subscribe_url="",
    )
    try:
        mention = sns_http.to_mention(verified, "alerts")
    except ValidationError:
        return
    assert_usable(mention)


@given(
    st.one_of(
        st.binary(max_size=200),
        mutated_json(SLACK_PAYLOAD).map(lambda p: urlencode({"payload": p}).encode()),
        json_values.map(lambda v: urlencode({"payload": json.dumps(v)}).encode()),
    )
)
@example(urlencode({"payload": "[]"}).encode())
@example(urlencode({"payload": '{"actions": [1]}'}).encode())
def test_the_slack_interaction_parser(body: bytes) -> None:
    try:
        triage = parse_interaction(body)
    except ValidationError:
        return
    if triage is not None:
        assert triage.status in ("handled", "ignored")
        assert triage.watch_id
        assert triage.mention_id


@given(st.dictionaries(st.sampled_from(("hub.mode", "hub.topic", "hub.challenge")), st.text()))
def test_the_websub_challenge_is_echoed_or_refused(params: dict[str, str]) -> None:
    topics = {websub.topic_for("UC_x5XG1OV2P6uZZ5FSM9Ttw")}
    with contextlib.suppress(SignatureError, ValidationError):
        assert websub.answer_challenge(params, topics) == params["hub.challenge"]
