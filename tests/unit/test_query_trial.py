"""Trying a query: the verdict a user reads for each item, and how items become documents."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.domain.query import Document
from chalicelib.domain.query.trial import QueryTrial, document_from_item


@pytest.mark.parametrize(
    ("query", "doc", "why"),
    [
        ("Acme", Document(text="Acme rocks"), "matched Acme"),
        ("Acme", Document(text="Globex rocks"), "none of the query's terms appears"),
        ("Acme -jobs", Document(text="Acme jobs"), "found Acme; excluded by -jobs"),
        (
            "Acme lang:de",
            Document(text="Acme", language="en"),
            "found Acme; lang:de does not hold (lang: en)",
        ),
        (
            "Acme site:acme.com",
            Document(text="Acme"),
            "found Acme; site:acme.com does not hold (site: unknown)",
        ),
        ("Acme Globex", Document(text="Acme"), "found Acme; Globex does not appear"),
        (
            "Acme (outage OR down)",
            Document(text="Acme is fine"),
            "found Acme; (outage OR down) does not hold",
        ),
        (
            "Acme NEAR/1 outage",
            Document(text="Acme had a long outage"),
            "found Acme, outage; Acme NEAR/1 outage does not hold",
        ),
    ],
)
def test_the_verdict_says_why_in_a_few_words(query: str, doc: Document, why: str) -> None:
    assert QueryTrial(query).report(doc)["why"] == why


def test_a_report_shows_each_span_with_the_words_it_covers() -> None:
    report = QueryTrial('"Acme Cloud" OR @acme').report(
        Document(title="About acme  cloud", text="Ask @Acme", author_handle="@acme")
    )

    assert report["match"] is True
    assert report["terms"] == ["Acme Cloud", "@acme"]
    assert report["spans"] == [
        {"field": "title", "start": 6, "end": 17, "term": "Acme Cloud", "text": "acme  cloud"},
        {"field": "text", "start": 4, "end": 9, "term": "@acme", "text": "@Acme"},
        {"field": "author", "start": 0, "end": 5, "term": "@acme", "text": "@acme"},
    ]


def test_the_trial_shows_the_query_in_its_canonical_form() -> None:
    assert QueryTrial("Acme,Globex  NOT jobs").canonical == "Acme OR Globex -jobs"


@pytest.mark.parametrize(
    ("item", "doc"),
    [
        ({"text": "hi"}, Document(text="hi")),
        (
            {"text": "hi", "title": "t", "lang": "de", "source": "rss", "url": "https://x.de/"},
            Document(text="hi", title="t", language="de", source="rss", url="https://x.de/"),
        ),
        ({"text": "hi", "author": "@dana"}, Document(text="hi", author_handle="@dana")),
        ({"text": "hi", "author": "Dana"}, Document(text="hi", author_name="Dana")),
        (
            {"text": "hi", "author": {"name": "Dana", "handle": "@d"}},
            Document(text="hi", author_name="Dana", author_handle="@d"),
        ),
    ],
)
def test_an_item_becomes_the_document_it_describes(item: dict[str, Any], doc: Document) -> None:
    assert document_from_item(item) == doc


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("hi", 'each item must be an object with a "text" string'),
        ({"title": "no text"}, 'each item must be an object with a "text" string'),
        ({"text": "hi", "lang": 5}, '"lang" must be a string'),
        ({"text": "hi", "author": 5}, '"author" must be a name, an @handle or {"name": ...'),
    ],
)
def test_a_malformed_item_is_refused_saying_what_is_wrong(item: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        document_from_item(item)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.com:443/a?b", "example.com"),
        ("http://user:pw@blog.example.com/", "blog.example.com"),
        ("example.com/path", "example.com"),
        ("", ""),
    ],
)
def test_the_host_a_site_filter_compares(url: str, host: str) -> None:
    assert Document(text="", url=url).host == host
