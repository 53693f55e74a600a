"""Deliveries as the platforms document them, for the fuzz tests to break (the recorded ones
live in tests/fixtures/)."""

from __future__ import annotations

GENERIC = {
    "id": "42",
    "text": "Acme is down again",
    "published_at": "2026-11-21T10:00:00Z",
    "url": "https://example.com/p/42",
    "title": "Outage",
    "source": "zapier",
    "language": "en",
    "author": {"name": "Dana", "handle": "dana", "url": "https://example.com/dana", "reach": 12},
    "engagement": {"likes": 3},
}
TWEET = {
    "id_str": "1001",
    "text": "@acme checkout is broken",
    "created_at": "Sat Nov 21 10:00:00 +0000 2026",
    "timestamp_ms": "1795255200000",
    "lang": "en",
    "favorite_count": 3,
    "extended_tweet": {"full_text": "@acme checkout is broken, again"},
    "user": {"id_str": "7", "screen_name": "dana", "name": "Dana", "followers_count": 5400},
}
X_DELIVERY = {
    "for_user_id": "2244994945",
    "tweet_create_events": [TWEET],
    "favorite_events": [{"id": "x"}],
}
SLACK_PAYLOAD = {
    "type": "block_actions",
    "user": {"id": "U1", "username": "maya"},
    "response_url": "https://hooks.slack.com/actions/T/1/abc",
    "actions": [{"action_id": "tidings_handled", "value": "acme|20261121T100000Z.abc"}],
    "message": {"text": "New mention", "blocks": []},
}
