"""The dashboard: static files served by the API itself, so there is no web server to run.

The page signs in with an API key and calls the same routes as any client; these routes are
public because they hold no data. Files are text (no binary types for API Gateway), sent with
an ETag and revalidated on every load, so a deploy is seen at once and an unchanged file costs
a 304.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice.app import Blueprint, NotFoundError, Response

bp = Blueprint(__name__)

DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "dashboard"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.[a-z]+$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


@bp.route("/", methods=["GET"])
def root() -> Response:
    """Send a browser to the dashboard, keeping the stage prefix API Gateway puts in the path."""
    context: Any = bp.current_request.context or {}
    base = str(context.get("path") or "/").split("?")[0].rstrip("/")
    return Response(body="", status_code=302, headers={"Location": f"{base}/dashboard/index.html"})


@bp.route("/dashboard/{name}", methods=["GET"])
def dashboard_file(name: str) -> Response:
    found = _read(name)
    if found is None:
        raise NotFoundError(f"no dashboard file {name!r}")
    body, etag = found
    content_type = CONTENT_TYPES[Path(name).suffix]
    headers: dict[str, str | list[str]] = {
        **SECURITY_HEADERS,
        "Content-Type": content_type,
        "Cache-Control": "no-cache",
        "ETag": etag,
    }
    if _header("if-none-match") == etag:
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers=headers)


def _header(name: str) -> str | None:
    headers: Any = bp.current_request.headers or {}
    value = headers.get(name)
    return str(value) if value is not None else None


@lru_cache(maxsize=64)
def _read(name: str) -> tuple[str, str] | None:
    """A file's text and ETag, or None for anything but a known text file in the folder."""
    if not SAFE_NAME.fullmatch(name) or Path(name).suffix not in CONTENT_TYPES:
        return None
    path = DASHBOARD_DIR / name
    if not path.is_file():
        return None
    body = path.read_text(encoding="utf-8")
    return body, '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
