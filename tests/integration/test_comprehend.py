"""Amazon Comprehend as the optional backend for languages the builtin analyser cannot score:
DetectSentiment against moto's server (which serves it), DetectDominantLanguage (which moto
does not serve) against a stand-in speaking Comprehend's JSON protocol on localhost."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from chalice.test import Client

from chalicelib.aws.comprehend import ComprehendClient
from chalicelib.local.stack import LocalStack
from chalicelib.services import reset, services
from chalicelib.store.tables import MentionModel
from tests.integration.test_end_to_end import create_watch, signed
from tests.support.http_stub import HttpStub, Received, Reply

pytestmark = pytest.mark.integration


@pytest.fixture
def comprehend_on() -> Iterator[None]:
    """The deployment's switch, set before the stack reads its settings."""
    os.environ["TIDINGS_SENTIMENT_BACKEND"] = "comprehend"
    yield
    os.environ.pop("TIDINGS_SENTIMENT_BACKEND", None)


def post(api: Client, native_id: str, text: str, language: str) -> None:
    body = json.dumps(
        {
            "id": native_id,
            "text": text,
            "language": language,
            "published_at": "2026-11-21T10:00:00Z",
        }
    ).encode()
    response = api.http.post("/webhooks/generic/zap", headers=signed(body), body=body)
    assert response.status_code == 202, response.body


def test_switched_on_it_scores_other_languages_and_leaves_english_builtin(
    comprehend_on: None, stack: LocalStack, api: Client
) -> None:
    assert services().settings.sentiment_backend == "comprehend"
    create_watch(api, id="acme", query="Acme")

    post(api, "1", "Acme: 서비스가 정말 좋아요", "ko")
    post(api, "2", "Acme answered my ticket in minutes, great support!", "en")
    stack.drain()

    stored = {m.native_id: m for m in MentionModel.query("acme")}
    # moto's Comprehend answers every DetectSentiment with its canned NEUTRAL reply.
    assert (stored["1"].language, stored["1"].sentiment) == ("ko", "neutral")
    assert stored["1"].sentiment_score == pytest.approx(0.0078, abs=1e-3)
    assert (stored["2"].language, stored["2"].sentiment) == ("en", "positive")


def test_switched_off_other_languages_stay_unscored(stack: LocalStack, api: Client) -> None:
    assert services().settings.sentiment_backend == "builtin"
    create_watch(api, id="acme", query="Acme")

    post(api, "1", "Acme: 서비스가 정말 좋아요", "ko")
    stack.drain()

    (item,) = MentionModel.query("acme")
    assert (item.language, item.sentiment, item.sentiment_score) == ("ko", "unscored", None)


@contextmanager
def standin(replies: dict[str, Reply]) -> Iterator[tuple[HttpStub, ComprehendClient]]:
    """Comprehend's JSON 1.1 protocol (POST / with the operation in X-Amz-Target) on
    localhost, and a ComprehendClient whose boto3 client points at it."""

    def respond(request: Received) -> Reply:
        operation = request.headers.get("x-amz-target", "").split(".")[-1]
        return replies.get(operation, Reply.json({"__type": "UnknownOperation"}, 400))

    saved = dict(os.environ)
    with HttpStub() as stub:
        stub.serve("/", respond)
        os.environ["TIDINGS_AWS_ENDPOINT"] = stub.base_url
        reset()
        try:
            yield stub, ComprehendClient()
        finally:
            os.environ.clear()
            os.environ.update(saved)
            reset()


def test_the_dominant_language_is_taken_only_when_comprehend_is_sure() -> None:
    sure = Reply.json({"Languages": [{"LanguageCode": "ko", "Score": 0.98}]})
    unsure = Reply.json({"Languages": [{"LanguageCode": "sw", "Score": 0.31}]})
    with standin({"DetectDominantLanguage": sure}) as (stub, comprehend):
        assert comprehend.detect_language("서비스가 정말 좋아요") == "ko"
        body = json.loads(stub.received[0].body)
        assert body == {"Text": "서비스가 정말 좋아요"}
    with standin({"DetectDominantLanguage": unsure}) as (_, comprehend):
        assert comprehend.detect_language("asante sana") is None


def test_a_refused_call_leaves_the_mention_unscored_instead_of_failing() -> None:
    throttled = Reply.json({"__type": "ThrottlingException", "message": "slow down"}, 400)
    replies = {"DetectSentiment": throttled, "DetectDominantLanguage": throttled}
    with standin(replies) as (_, comprehend):
        assert comprehend.detect_sentiment("정말 좋아요", "ko") == ("unscored", None)
        assert comprehend.detect_language("정말 좋아요") is None


def test_long_texts_are_cut_to_what_comprehend_accepts() -> None:
    reply = Reply.json(
        {"Sentiment": "MIXED", "SentimentScore": {"Positive": 0.5, "Negative": 0.25}}
    )
    with standin({"DetectSentiment": reply}) as (stub, comprehend):
        assert comprehend.detect_sentiment("좋아요 " * 2000, "ko") == ("neutral", 0.25)
        sent = json.loads(stub.received[0].body)
        assert len(sent["Text"].encode()) <= 5000
        assert sent["LanguageCode"] == "ko"
