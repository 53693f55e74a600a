"""A sample feed served on localhost, so `tidings up` shows mentions flowing with no network.

The feed reveals one more post every few seconds, as a busy blog would, and answers
conditional GETs with 304 while nothing changed: the same behaviour the RSS connector meets
on the web.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

POSTS: tuple[tuple[str, str, str], ...] = (
    (
        "Maya Lindqvist",
        "Switched our brand monitoring to Tidings",
        "We moved our social listening to Tidings last week. Alerts land in Slack within a minute "
        "and the data stays in our own AWS account. Love it.",
    ),
    (
        "Jonas Weber",
        "Tidings im Test",
        "Wir haben Tidings zwei Wochen getestet. Die Einrichtung war einfach, aber die "
        "Dokumentation zu den Quellen ist noch dünn.",
    ),
    (
        "Priya Raman",
        "Quarterly roundup: marketing tools we use",
        "Our stack this quarter: a CRM, a newsletter tool and Tidings for social listening.",
    ),
    (
        "Leo Martin",
        "Why our launch went quiet",
        "Nobody noticed our launch for two days. Next time we will set up listening before "
        "the announcement, not after.",
    ),
    (
        "Sam Okafor",
        "Tidings keeps missing Reddit threads",
        "Is anyone else seeing Tidings miss Reddit threads? Our support team found a complaint "
        "two days late. Not great.",
    ),
    (
        "Ana Souza",
        "Social listening on a budget",
        "You do not need a five-figure contract for social listening. Open-source options like "
        "Tidings run for a few dollars a month.",
    ),
    (
        "Chris Doyle",
        "Coffee, code and a new keyboard",
        "A slow week: new keyboard, a refactor, and far too much coffee.",
    ),
    (
        "Hannah Klein",
        "Tidings share of voice report",
        "The share of voice chart in Tidings showed our competitor doubling mentions after "
        "their price cut. Useful for the board meeting.",
    ),
    (
        "Omar Haddad",
        "Customer support metrics that matter",
        "Time to first response is the metric our customers feel. We track it per channel with "
        "Tidings and our ticketing system.",
    ),
    (
        "Elena Rossi",
        "Tidings alert saved our weekend",
        "A negative post about our checkout went viral on Friday night. The Tidings spike alert "
        "woke us up in time to answer it.",
    ),
)

INITIAL = 3


def render_feed(base_url: str, visible: int, started: datetime, interval_s: float) -> str:
    items = []
    for i, (author, title, text) in enumerate(POSTS[:visible]):
        published = started + timedelta(seconds=(i - INITIAL + 1) * interval_s)
        guid = f"{base_url}/posts/{int(started.timestamp())}-{i}"
        items.append(
            f"<item><title>{escape(title)}</title><link>{escape(guid)}</link>"
            f'<guid isPermaLink="true">{escape(guid)}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<author>{escape(author)}</author><description>{escape(text)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Tidings demo blog</title><link>{escape(base_url)}</link>"
        "<description>Sample posts for the local demo</description><language>en</language>"
        + "".join(reversed(items))
        + "</channel></rss>"
    )


class DemoFeedServer:
    def __init__(self, interval_s: float = 10.0, host: str = "127.0.0.1", port: int = 0) -> None:
        self._interval = interval_s
        self._started_wall = datetime.now(UTC).replace(microsecond=0)
        self._started = time.monotonic()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/feed.xml":
                    self.send_error(404)
                    return
                body = server.feed().encode()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._http = ThreadingHTTPServer((host, port), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}/feed.xml"

    def visible(self) -> int:
        revealed = int((time.monotonic() - self._started) // self._interval)
        return min(len(POSTS), INITIAL + revealed)

    def feed(self) -> str:
        base = self.url.rsplit("/", 1)[0]
        return render_feed(base, self.visible(), self._started_wall, self._interval)

    def start(self) -> DemoFeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
