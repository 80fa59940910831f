"""JSON API under /api/v1, one module per resource (docs/api.md).

A request with ``Authorization: Bearer <token>`` is the token's user and needs no CSRF token;
without one, the browser session's user is used and CSRF is checked like any form. Every
operation is declared with :func:`web.api.base.operation`, which routes it and describes it
in the OpenAPI document; every endpoint calls the engine operations the pages call.
"""

from __future__ import annotations

from typing import Any

from web.api import (
    admin,
    content,
    council,
    dossiers,
    imports,
    notifications,
    processes,
    records,
    reports,
    tasks,
    webhooks,
)
from web.api.base import MAX_JSON_BYTES, OPERATIONS, authenticate, bp
from web.api.openapi import build_document

__all__ = [
    "MAX_JSON_BYTES",
    "OPERATIONS",
    "admin",
    "bp",
    "content",
    "council",
    "dossiers",
    "imports",
    "notifications",
    "processes",
    "records",
    "reports",
    "tasks",
    "webhooks",
]

bp.before_request(authenticate)


@bp.get("/openapi.json", endpoint="get_openapi")
def openapi() -> dict[str, Any]:
    return build_document()
