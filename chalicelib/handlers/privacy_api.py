"""REST: the right to erasure. Everything stored about an author goes: their mentions in every
watch and their per-author counter cells, found through the author index (a Query, never a
Scan); the watches' volume counters keep their numbers, which name nobody."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint

from chalicelib.handlers.auth import current_actor
from chalicelib.observability import logger

bp = Blueprint(__name__)


@bp.route("/authors/{source}/{handle}", methods=["DELETE"])
def erase_author(source: str, handle: str) -> dict[str, Any]:
    from chalicelib.store.authors import erase_author as erase

    handle = unquote(handle)
    erased = erase(source, handle)
    # Who asked and how much, never the handle: the log must not keep what was erased.
    logger.info("author erased", source=source, mentions=erased, actor=current_actor())
    return {"source": source, "handle": handle, "mentions_erased": erased}
