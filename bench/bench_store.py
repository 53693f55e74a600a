"""DynamoDB request units per stored mention, split into what storing it costs and what
alerting it costs.

500 realistic mentions (a few authors who post often, one in ten a repost of another, texts of a
tweet to a short article) are pushed through the real path of a webhook delivery: the ingest
queue, `ingest_worker` (handed up to 10 messages a call, as Lambda's SQS trigger does), the
pipeline, the store, SNS, the notifier with the default alert rule ("every new mention" to Slack,
flood control on) and the minute's flush, on DynamoDB Local and moto's server. Every DynamoDB
call's `ConsumedCapacity` (ReturnConsumedCapacity=INDEXES, so index writes would count) is
summed per table and operation, and every Scan is counted.
A second run serves the same mentions as a feed, 25 new entries a tick, through `poll_worker`.

Two corrections where DynamoDB Local differs from AWS: it reports 4 units per table for any
TransactWriteItems, where AWS charges 2 WRU per item and KB, so a transaction is counted from
its items (2 WRU each: counter cells and markers are far below 1 KB); and a conditional write
that fails returns no ConsumedCapacity, where AWS charges at least 1 WRU, so it counts as 1.

Figures, for webhook deliveries and, with `_polled`, for poll batches:
- `write_units_per_mention`: the store path, WRU per stored mention: every table but the two
  alert tables, i.e. the mention's conditional put, the counters (hourly cells, author day cells),
  the author index, stories, the delivery marker, `mention_keys`, the feed cursor (polled) and
  any refused conditional write on them.
- `write_units_per_alert`: WRU on `alert_deliveries` (the ledger's claim and outcome, batch
  messages' too) and `alert_state` (flood control), per mention alert claimed (the first claim of
  each story and channel; a copy of a story claims nothing).
- `write_units_per_mention_alerted`: every WRU per stored mention, as when every new story is
  alerted (the bench's rule): the store path plus the alert tables.
- `read_units_per_mention`: every RRU per stored mention, alerting included.
- `scans_per_mention` over both runs; `messages_per_ingest_batch`: what `ingest_worker` got a call.
"""

from __future__ import annotations

import io
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MENTIONS = 500
POLL_BATCH = 25
SEED = 9
HOME = Path(__file__).resolve().parent.parent / ".tidings"
WATCHES = {"acme": "Acme", "globex": 'Globex OR "Globex Cloud"', "initech": "Initech"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
ALERT_TABLES = {"alert_deliveries", "alert_state"}


def _split(text: str) -> list[str]:
    return text.split()


_WORDS = _split(
    "the a we our my just really think about with for this that new today after week again "
    "love hate tried switched using team customer service app website order shipping delivery "
    "account login people anyone else seeing same problem thanks great terrible finally "
    "announced review compared better worse than still waiting hours days help support refund "
    "pricing outage slow fast update launch checkout invoice dashboard integration"
)
_SOURCES = ("zap", "bluesky", "mastodon", "reddit", "hackernews", "x")


@dataclass
class Meter:
    """Request units and calls per (table, operation), from the responses' ConsumedCapacity."""

    units: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    alerts: int = 0  # mention alerts claimed in the ledger (batch messages not counted)
    on: bool = False

    def record(self, operation: str, kwargs: dict[str, Any], data: dict[str, Any]) -> None:
        if not self.on:
            return
        if operation == "PutItem" and _short(_table_of(kwargs)) == "alert_deliveries":
            claimed = str(kwargs.get("Item", {}).get("delivery_key", {}).get("S", ""))
            self.alerts += not claimed.startswith("batch:")
        if operation == "TransactWriteItems":
            for item in kwargs["TransactItems"]:
                (request,) = item.values()
                key = (_short(request["TableName"]), operation)
                self.calls[key] += 1
                self.units[key] += 2.0
            return
        consumed = data.get("ConsumedCapacity") or []
        consumed = [consumed] if isinstance(consumed, dict) else consumed
        tables = {c.get("TableName", "?") for c in consumed} or {_table_of(kwargs)}
        for table in tables:
            self.calls[(_short(table), operation)] += 1
        for entry in consumed:
            self.units[(_short(entry.get("TableName", "?")), operation)] += float(
                entry.get("CapacityUnits", 0.0)
            )

    def refused(self, operation: str, kwargs: dict[str, Any]) -> None:
        """A conditional write that failed: AWS charges it, DynamoDB Local reports nothing."""
        if self.on and operation in WRITES:
            key = (_short(_table_of(kwargs)), f"{operation} (refused)")
            self.calls[key] += 1
            self.units[key] += 1.0

    def total(self, writes: bool, alerting: bool | None = None) -> float:
        """Units of writes (or reads); `alerting` True: only the alert tables, False: all but."""
        return sum(
            u
            for (table, op), u in self.units.items()
            if (op.split()[0] in WRITES) == writes
            and (alerting is None or (table in ALERT_TABLES) == alerting)
        )

    def scans(self) -> int:
        return sum(n for (_, op), n in self.calls.items() if op == "Scan")


def _table_of(kwargs: dict[str, Any]) -> str:
    return str(kwargs.get("TableName", "?"))


def _short(table: str) -> str:
    """`t1a2b-local-mentions` -> `mentions`: the per-run prefix and stage removed."""
    return table.rsplit("-", 1)[-1]


@contextmanager
def metered(meter: Meter) -> Iterator[None]:
    """Ask every DynamoDB call made through PynamoDB for its consumed capacity, and record it."""
    from pynamodb.connection.base import Connection

    original: Callable[..., dict[str, Any]] = Connection._make_api_call

    def call(self: Any, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        if operation not in ("DescribeTable", "CreateTable", "UpdateTimeToLive"):
            kwargs = {**kwargs, "ReturnConsumedCapacity": "INDEXES"}
        try:
            data = original(self, operation, kwargs)
        except Exception:
            meter.refused(operation, kwargs)
            raise
        meter.record(operation, kwargs, data or {})
        return data

    Connection._make_api_call = call  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Connection._make_api_call = original  # type: ignore[method-assign]


class _Local(BaseHTTPRequestHandler):
    """Slack's incoming webhook ("ok") and the feeds the poll run serves."""

    feeds: dict[str, bytes] = {}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._reply(b"ok", "text/plain")

    def do_GET(self) -> None:
        self._reply(self.feeds.get(self.path, b""), "application/rss+xml")

    def _reply(self, body: bytes, kind: str) -> None:
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


def _vocabulary() -> list[str]:
    """Words of the English lexicon: texts of common words only compress far better than
    prose (0.41 of their size at 1,000 characters, where NYT snippets give 0.56), and stored
    texts are compressed. Six in ten words from here come within about 0.03 of prose."""
    import json

    lexicon = json.loads((HOME.parent / "chalicelib/analysis/data/en.json").read_text())["lexicon"]
    return sorted(w for w in lexicon if w.isalpha() and len(w) > 2)


def mentions(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """Mention dicts as the webhook enqueues them: 300 authors, one in ten a repost."""
    start = datetime(2026, 11, 20, tzinfo=UTC)
    authors = [f"user{n}" for n in range(300)]
    brands = ["Acme", "Globex", "Initech"]
    rare = _vocabulary()
    out: list[dict[str, Any]] = []
    for n in range(count):
        handle = rng.choice(authors[:30] if rng.random() < 0.3 else authors)
        if out and rng.random() < 0.1:
            text = f"RT @{out[-1]['author']['handle']}: {out[-1]['text']}"[:1000]
        else:
            k = rng.choice((12, 25, 40, 80, 150))
            words = [rng.choice(rare if rng.random() < 0.6 else _WORDS) for _ in range(k)]
            words.insert(rng.randrange(len(words)), rng.choice(brands))
            text = " ".join(words).capitalize() + "."
        source = rng.choice(_SOURCES)
        out.append(
            {
                "source": source,
                "native_id": f"{source}-{n}",
                "url": f"https://{source}.example/{handle}/{n}",
                "title": text[:60] if source in ("reddit", "hackernews") else "",
                "text": text,
                "published_at": (start + timedelta(minutes=n)).isoformat(),
                "author": {
                    "name": handle.title(),
                    "handle": handle,
                    "url": f"https://{source}.example/{handle}",
                    "reach": rng.choice((None, 40, 900, 25_000)),
                },
                "language": None,
                "engagement": {"likes": rng.randrange(50), "replies": rng.randrange(5)},
            }
        )
    return out


def _stored(watch_ids: list[str]) -> int:
    from chalicelib.store.tables import MentionModel

    return sum(
        sum(1 for _ in MentionModel.query(w, attributes_to_get=["mention_id"])) for w in watch_ids
    )


def _rss(items: list[dict[str, Any]]) -> bytes:
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    body = "".join(
        f"<item><guid>{escape(m['native_id'])}</guid><title>{escape(m['text'][:60])}</title>"
        f"<link>{escape(m['url'])}</link><author>{escape(m['author']['handle'])}</author>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(m['published_at']))}</pubDate>"
        f"<description>{escape(m['text'])}</description></item>"
        for m in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        f"<language>en</language>{body}</channel></rss>"
    ).encode()


def _stack(dynamodb: str, aws: str, slack_url: str, sources: list[dict[str, str]]) -> Any:
    from chalicelib.domain.alerts.settings import AlertSettings
    from chalicelib.domain.models import SourceRef, Watch
    from chalicelib.local.config import LocalConfig
    from chalicelib.local.stack import LocalStack

    local = LocalStack(home=HOME, out=io.StringIO())
    local.attach(dynamodb, aws, prefix=f"b{uuid.uuid4().hex[:10]}")
    watches = tuple(
        Watch(
            id=watch_id,
            name=watch_id.title(),
            query=query,
            # One watch polls the feed; the pipeline matches each entry against every watch.
            sources=tuple(
                SourceRef(kind=s["kind"], target=s["target"]) for s in sources if watch_id == "acme"
            ),
            alerts=AlertSettings(),  # the default: every new story to Slack, flood control
        )
        for watch_id, query in WATCHES.items()
    )
    local.configure(LocalConfig(watches=watches, slack_webhook_url=slack_url))
    return local


def _webhook_run(meter: Meter, items: list[dict[str, Any]], local: Any) -> list[int]:
    """One SQS message per mention, all queued first; the drain hands `ingest_worker` up to 10
    a call, as Lambda's SQS trigger does. Returns the size of each call's batch."""
    from chalicelib.services import services

    queue = services().ingest_queue
    for m in items:
        queue.send([{"integration": m["source"], "mention": m}])
    handlers = local.app.handler_map
    worker, sizes = handlers["ingest_worker"], []

    def counted(event: dict[str, Any], context: Any) -> Any:
        sizes.append(len(event["Records"]))
        return worker(event, context)

    handlers["ingest_worker"] = counted
    meter.on = True
    try:
        local.drain(max_rounds=10 * len(items))
    finally:
        meter.on = False
        handlers["ingest_worker"] = worker
    return sizes


def _poll_run(meter: Meter, items: list[dict[str, Any]], local: Any, feed_path: str) -> None:
    """Each tick the feed offers the next batch: one poll job per watch reads it."""
    for start in range(0, len(items), POLL_BATCH):
        chunk = sorted(items[start : start + POLL_BATCH], key=lambda m: m["published_at"])
        _Local.feeds[feed_path] = _rss(chunk[::-1])
        local.tick()
        meter.on = True
        local.drain(max_rounds=1000)
        meter.on = False


def _print(title: str, meter: Meter, stored: int) -> None:
    print(
        f"  {title}: {stored} mentions stored, {meter.alerts} alerts claimed; "
        "per stored mention, by table and call"
    )
    tables: dict[str, float] = defaultdict(float)
    for (table, op), units in sorted(meter.units.items(), key=lambda kv: -kv[1]):
        calls = meter.calls[(table, op)]
        kind = "WRU" if op.split()[0] in WRITES else "RRU"
        print(f"    {table:<17} {op:<28} {units / stored:7.3f} {kind}  {calls / stored:6.3f} calls")
        tables[f"{table} {kind}"] += units
    print("    by table: " + ", ".join(f"{t} {u / stored:.3f}" for t, u in sorted(tables.items())))
    store, alerting = meter.total(True, alerting=False), meter.total(True, alerting=True)
    print(
        f"    WRU: store path {store / stored:.2f} a mention, alerting {alerting / stored:.2f} a "
        f"mention ({alerting / max(1, meter.alerts):.2f} an alert), total "
        f"{(store + alerting) / stored:.2f} a mention"
    )


def _measure(
    dynamodb: str, aws: str, url: str, items: list[dict[str, Any]], poll: bool
) -> tuple[Meter, int, list[int]]:
    from chalicelib import services
    from chalicelib.observability import logger

    meter = Meter()
    sources = [{"kind": "rss", "target": f"{url}/feed.xml"}] if poll else []
    local = _stack(dynamodb, aws, url, sources)
    logger.setLevel("WARNING")  # a log line per mention would time the terminal, not the store
    sizes: list[int] = []
    with metered(meter), redirect_stdout(io.StringIO()):  # the console sink prints each alert
        if poll:
            _poll_run(meter, items, local, "/feed.xml")
        else:
            sizes = _webhook_run(meter, items, local)
    stored = _stored(list(WATCHES))
    services.reset()
    return meter, stored, sizes


def run() -> dict[str, float]:
    import os

    from chalicelib.local.dynamodb_local import DynamoDBLocal
    from chalicelib.local.moto_server import MotoServer

    saved = dict(os.environ)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Local)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    items = mentions(MENTIONS, random.Random(SEED))
    try:
        with DynamoDBLocal.start(HOME) as dynamodb, MotoServer().start() as moto:
            hook, hook_stored, sizes = _measure(dynamodb.endpoint, moto.endpoint, url, items, False)
            poll, poll_stored, _ = _measure(dynamodb.endpoint, moto.endpoint, url, items, True)
    finally:
        server.shutdown()
        os.environ.clear()
        os.environ.update(saved)
    per_call = sum(sizes) / max(1, len(sizes))
    _print(
        f"webhook deliveries (ingest_worker got {per_call:.1f} messages a call)", hook, hook_stored
    )
    _print(f"poll batches of {POLL_BATCH}", poll, poll_stored)
    return {
        **figures(hook, hook_stored, ""),
        **figures(poll, poll_stored, "_polled"),
        "scans_per_mention": (hook.scans() + poll.scans()) / hook_stored,
        "messages_per_ingest_batch": per_call,
    }


def figures(meter: Meter, stored: int, suffix: str) -> dict[str, float]:
    """The split figures of one run (see the module's docstring for what each includes)."""
    return {
        f"write_units_per_mention{suffix}": meter.total(True, alerting=False) / stored,
        f"write_units_per_alert{suffix}": meter.total(True, alerting=True) / max(1, meter.alerts),
        f"write_units_per_mention_alerted{suffix}": meter.total(True) / stored,
        f"read_units_per_mention{suffix}": meter.total(False) / stored,
    }
