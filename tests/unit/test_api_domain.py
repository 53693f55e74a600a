"""The API's pure parts: keys, the feed's filters and cursor, the cross-watch merge, and the
analytics maths over counter cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import analytics
from chalicelib.domain.api_keys import ApiKey, hash_secret, new_key, parse_key, secret_matches
from chalicelib.domain.authors import author_key
from chalicelib.domain.feed import FeedFilter, decode_cursor, encode_cursor, merge_page
from chalicelib.domain.models import Author, CounterKey, Mention, WatchMention
from chalicelib.handlers.auth import is_public, presented_key

T0 = datetime(2026, 11, 20, 10, tzinfo=UTC)


def item(watch: str, n: int, text: str = "Acme", **kw: object) -> WatchMention:
    mention = Mention(
        source=str(kw.get("source", "rss")),
        native_id=f"{watch}-{n}",
        url="",
        text=text,
        published_at=T0 + timedelta(hours=n),
        author=Author(
            name=str(kw.get("name", "Dana Müller")), handle=str(kw.get("handle", "@dana"))
        ),
    )
    return WatchMention(
        watch_id=watch,
        mention=mention,
        language=str(kw.get("lang", "en")),
        sentiment=str(kw.get("sentiment", "neutral")),
        sentiment_score=None,
        matched_terms=(),
        reach_score=kw.get("reach"),  # type: ignore[arg-type]
    )


def test_a_new_key_parses_back_and_only_its_hash_is_kept() -> None:
    key_id, full, digest = new_key()
    parsed = parse_key(full)
    stored = ApiKey(key_id, "maya", digest, T0)

    assert parsed is not None
    assert parsed[0] == key_id
    assert full.split("_", 2)[2] not in digest
    assert secret_matches(stored, parsed[1])
    assert not secret_matches(stored, parsed[1] + "x")
    assert not secret_matches(ApiKey(key_id, "maya", digest, T0, revoked_at=T0), parsed[1])
    assert parse_key("tdg_nothex_short") is None
    assert hash_secret("a") != hash_secret("b")


def test_credentials_come_from_bearer_or_x_api_key_and_public_paths_need_none() -> None:
    assert presented_key({"authorization": "Bearer tdg_x"}) == "tdg_x"
    assert presented_key({"x-api-key": "tdg_y"}) == "tdg_y"
    assert presented_key({"authorization": "Basic abc"}) is None
    for public in (
        "/health",
        "/webhooks/generic/{integration}",
        "/openapi.json",
        "/",
        "/dashboard/{name}",
    ):
        assert is_public(public)
    for private in ("/watches", "/mentions", "/export"):
        assert not is_public(private)


def test_filters_fold_case_and_accents_for_author_and_text() -> None:
    mention = item("acme", 1, "Der Kundenservice von ACME ist großartig", lang="de")

    assert FeedFilter(q="acme ist GROSSARTIG").matches(mention)  # ß folds to ss
    assert FeedFilter(q="kundenservice von acme").matches(mention)
    assert FeedFilter(author="DANA").matches(mention)
    assert FeedFilter(author="dana müller").matches(mention)
    assert not FeedFilter(author="lee").matches(mention)
    assert FeedFilter(lang="de", sentiment="neutral", source="rss").matches(mention)
    assert not FeedFilter(since=T0 + timedelta(hours=2)).matches(mention)


def test_the_cursor_is_opaque_and_refuses_what_it_did_not_give() -> None:
    cursor = encode_cursor({"acme": "20261120T100000Z.aaaaaaaaaaaaaaaaaaaa"})

    assert decode_cursor(cursor) == {"acme": "20261120T100000Z.aaaaaaaaaaaaaaaaaaaa"}
    with pytest.raises(ValueError, match="not one this API gave out"):
        decode_cursor("garbage!")


def test_the_merge_is_newest_first_across_watches_and_resumes_each_watch() -> None:
    acme = [item("acme", n) for n in (5, 3, 1)]
    globex = [item("globex", n) for n in (4, 2)]

    first = merge_page({"acme": iter(acme), "globex": iter(globex)}, FeedFilter(), 3, {})
    at = decode_cursor(first.next or "")
    rest = merge_page({"acme": iter(acme[2:]), "globex": iter(globex[1:])}, FeedFilter(), 3, at)

    assert [i.mention.native_id for i in first.items] == ["acme-5", "globex-4", "acme-3"]
    assert at == {"acme": acme[1].id, "globex": globex[0].id}
    assert [i.mention.native_id for i in rest.items] == ["globex-2", "acme-1"]
    assert rest.next is None


def test_volume_fills_quiet_intervals_and_splits_by_sentiment() -> None:
    counts = {
        CounterKey("acme", T0, "rss", "positive"): 3,
        CounterKey("acme", T0 + timedelta(hours=1), "reddit", "negative"): 1,
        CounterKey("acme", T0 + timedelta(days=2), "rss", "neutral"): 2,
    }

    days = analytics.volume(counts, T0, T0 + timedelta(days=2), "day")

    assert [d["total"] for d in days] == [4, 0, 2]
    assert days[0] == {"t": "2026-11-20T00:00:00+00:00", "total": 4, "positive": 3,
                       "neutral": 0, "negative": 1, "unscored": 0}  # fmt: skip
    assert analytics.bucket_start(T0, "week").isoformat() == "2026-11-16T00:00:00+00:00"
    assert analytics.top_sources(counts) == [
        {"source": "rss", "count": 5},
        {"source": "reddit", "count": 1},
    ]


def test_reputation_is_net_sentiment_shrunk_towards_neutral_by_volume() -> None:
    few = analytics.reputation([{"t": "a", "positive": 2, "neutral": 0, "negative": 0}])
    many = analytics.reputation([{"t": "b", "positive": 200, "neutral": 0, "negative": 0}])
    quiet = analytics.reputation([{"t": "c", "positive": 0, "neutral": 0, "negative": 0}])

    assert few[0]["index"] == pytest.approx(58.3, abs=0.1)
    assert many[0]["index"] == pytest.approx(97.6, abs=0.1)
    assert quiet[0]["index"] == 50


def test_share_of_voice_campaign_change_and_response_means() -> None:
    assert analytics.share_of_voice({"acme": 3, "globex": 1}) == [
        {"watch_id": "acme", "count": 3, "share": 0.75},
        {"watch_id": "globex", "count": 1, "share": 0.25},
    ]
    now = analytics.summary({CounterKey("acme", T0, "rss", "positive"): 6})
    before = analytics.summary({CounterKey("acme", T0, "rss", "positive"): 3})
    assert analytics.change(now, before)["total"] == {"delta": 3, "ratio": 1.0}
    times = analytics.response_times([("W", "acme", 2, 100.0), ("A", "maya", 1, 30.0)])
    assert times == {
        "watches": [{"watch_id": "acme", "count": 2, "mean_s": 50.0}],
        "assignees": [{"assignee": "maya", "count": 1, "mean_s": 30.0}],
    }


def test_an_author_is_one_key_per_source_and_the_top_authors_rank_by_count() -> None:
    assert author_key("rss", "@Dana", "Dana Müller") == "rss#dana"
    assert author_key("rss", "", "Dana Müller") == "rss#dana muller"
    assert author_key("rss", "", "") is None
    top = analytics.top_authors([("rss#dana", 2, 55.0), ("x#lee", 5, 10.0)], limit=1)
    assert top == [{"author": "dana", "source": "rss", "reach_score": 55.0, "count": 2}]


def test_a_request_api_gateway_authenticated_with_iam_is_its_callers_arn() -> None:
    from chalicelib.handlers.auth import authenticate

    arn = "arn:aws:iam::123456789012:user/maya"

    assert authenticate({}, {"identity": {"userArn": arn}}) == (arn, "")
    assert authenticate({}, {"identity": {"sourceIp": "127.0.0.1"}})[0] is None
