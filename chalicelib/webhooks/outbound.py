"""Outgoing HTTP for the push platforms: subscribe at the WebSub hub, fetch SNS certificates,
confirm SNS subscriptions. One session, a timeout on every call, errors sorted into retry or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import requests

from chalicelib.errors import PermanentError, TransientError

MAX_RESPONSE_BYTES = 64 * 1024  # a certificate or a hub's reply; anything bigger is not one


class OutboundHttp:
    def __init__(self, timeout_s: float, session: requests.Session | None = None) -> None:
        self._timeout_s = timeout_s
        self._session = session or requests.Session()

    def get(self, url: str) -> bytes:
        """The body of a 2xx answer; redirects are not followed so a pinned host stays pinned."""
        response = self._call("GET", url, None)
        return response.content[:MAX_RESPONSE_BYTES]

    def post_form(self, url: str, form: Mapping[str, str]) -> int:
        """POST an urlencoded form; the 2xx status (WebSub hubs answer 202 or 204)."""
        return self._call("POST", url, form).status_code

    def _call(self, method: str, url: str, form: Mapping[str, str] | None) -> requests.Response:
        try:
            response = self._session.request(
                method, url, data=form, timeout=self._timeout_s, allow_redirects=False
            )
        except requests.RequestException as error:
            raise TransientError(f"{method} {_host(url)} failed: {type(error).__name__}") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientError(f"{method} {_host(url)} answered {response.status_code}")
        if not 200 <= response.status_code < 300:
            raise PermanentError(f"{method} {_host(url)} answered {response.status_code}")
        return response


def _host(url: str) -> str:
    """Only the host goes into messages: SNS and hub URLs carry tokens in their query."""
    return urlsplit(url).netloc
