"""Starting a deployed process over the API: the processes the caller may start, and a start.

The same engine operations as the "Khởi tạo quy trình" page and ``tdkt start``
(engine.workflow.operations.startable / start_with_form).
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, request

from engine.models import User
from engine.workflow import operations
from web.api import MAX_JSON_BYTES, bp
from web.context import db


def _caller() -> User:
    user: User = g.api_user
    return user


@bp.get("/processes")
def process_list() -> dict[str, Any]:
    """The processes the caller may start, each with its start form."""
    return {
        "items": [
            {
                "process_id": p.process_id,
                "name": p.name,
                "version": p.version,
                "form": p.form,
            }
            for p in operations.startable(db(), _caller())
        ]
    }


@bp.post("/processes/<process_id>/start")
def process_start(process_id: str) -> tuple[dict[str, Any], int]:
    """Start ``process_id`` with ``{"data": {field: value}}`` (the start form's fields)."""
    if (request.content_length or 0) > MAX_JSON_BYTES:
        abort(413)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("data", {}), dict):
        abort(400)
    instance = operations.start_with_form(db(), process_id, _caller(), payload.get("data", {}))
    return {"instance_id": instance.id, "process_id": process_id, "status": instance.status}, 201
