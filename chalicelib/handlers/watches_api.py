"""REST: create, list, read, update and delete watches."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, ConflictError, NotFoundError, Response

from chalicelib.handlers.http import body_json, invalid
from chalicelib.observability import logger
from chalicelib.services import services

bp = Blueprint(__name__)


def _known_sources() -> dict[str, str]:
    from chalicelib.sources.registry import target_hints

    return target_hints()  # kind -> what its target names ("" when none is needed)


def _parse(data: Any, watch_id: str | None = None) -> Any:
    from chalicelib.domain.validation import watch_from_input
    from chalicelib.errors import ValidationError

    try:
        return watch_from_input(data, _known_sources(), watch_id)
    except ValidationError as error:
        raise invalid(str(error)) from error


@bp.route("/watches", methods=["GET"])
def list_watches() -> dict[str, Any]:
    return {"items": [w.to_dict() for w in services().watches.list()]}


@bp.route("/watches", methods=["POST"])
def create_watch() -> Response:
    watch = _parse(body_json(bp))
    if not services().watches.create(watch):
        raise ConflictError(f"a watch with id {watch.id!r} already exists")
    logger.info("watch created", watch_id=watch.id, sources=len(watch.sources))
    return Response(
        body=watch.to_dict(), status_code=201, headers={"Location": f"/watches/{watch.id}"}
    )


@bp.route("/watches/{watch_id}", methods=["GET"])
def get_watch(watch_id: str) -> dict[str, Any]:
    watch = services().watches.get(watch_id)
    if watch is None:
        raise NotFoundError(f"no watch {watch_id!r}")
    return watch.to_dict()


@bp.route("/watches/{watch_id}", methods=["PUT"])
def update_watch(watch_id: str) -> dict[str, Any]:
    if services().watches.get(watch_id) is None:
        raise NotFoundError(f"no watch {watch_id!r}")
    watch = _parse(body_json(bp), watch_id)
    services().watches.put(watch)
    logger.info("watch updated", watch_id=watch_id)
    return dict(watch.to_dict())


@bp.route("/watches/{watch_id}", methods=["DELETE"])
def delete_watch(watch_id: str) -> Response:
    if not services().watches.delete(watch_id):
        raise NotFoundError(f"no watch {watch_id!r}")
    logger.info("watch deleted", watch_id=watch_id)
    return Response(body="", status_code=204)
