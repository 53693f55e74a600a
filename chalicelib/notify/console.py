"""Printing alerts: what `tidings up` shows, and a trace in the notifier's log on Lambda."""

from __future__ import annotations

import sys
from typing import TextIO

from chalicelib.domain.models import WatchMention
from chalicelib.notify.render import as_text


class ConsoleSink:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, item: WatchMention) -> None:
        stream = self._stream or sys.stdout
        stream.write(as_text(item) + "\n")
        stream.flush()
