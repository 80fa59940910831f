"""The OpenAPI 3.1 document, built from the declared operations (web.api.base.operation) and
the pydantic models they answer with and read."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from engine.db import MAX_ID
from engine.domain.idempotency import MAX_KEY
from engine.read import queries
from web.api import schemas
from web.api.base import MAX_PER_PAGE, OPERATIONS, Operation
from web.errors import PROBLEM_MEDIA_TYPE

REF = "#/components/schemas/{model}"
_ERRORS = {
    400: "Malformed request, or an unknown or invalid query parameter (each named in fields)",
    401: "Missing, unknown, expired or revoked token (WWW-Authenticate: Bearer)",
    403: "Not allowed to take this action, or the token's scope is read only",
    404: "Not found, or not visible to the caller",
    409: "The object is not in a state for this (e.g. the task is no longer ready), or a "
    "request with the same Idempotency-Key is still running",
    412: "If-Match names an older state of the object: read it again",
    413: "The body or file is too large",
    422: "Submitted data does not fit (each field named in fields), or an Idempotency-Key "
    "reused for another request",
}
_ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
_TAGS = {
    "tasks": "My inbox and my groups', claiming and completing steps",
    "dossiers": "Filing, following, withdrawing dossiers; history and diagram",
    "content": "Attachments and comments",
    "council": "Council sessions, attendance, ballot sheets and results (never votes)",
    "statistics": "The dashboard's figures",
    "awards": "The award history: search, statistics, import",
    "documents": "Generated documents: request, follow, download",
    "notifications": "My notifications",
    "administration": "Administration reads and API tokens",
    "webhooks": "Signed event deliveries to registered endpoints (docs/api.md)",
    "processes": "Starting a deployed process with its start form",
    "meta": "This document",
}
_PAGE_PARAMS = (
    ("page", {"type": "integer", "minimum": 1, "maximum": queries.MAX_PAGE}, "Page, from 1"),
    (
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        f"Rows per page (default {queries.PER_PAGE})",
    ),
)


def _example(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
    """Return a value that fits ``schema`` (the documented example of an answer)."""
    if "$ref" in schema:
        return _example(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, depth + 1)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _example(options[0], defs, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 6:
            return {}
        props = schema.get("properties", {})
        return {name: _example(sub, defs, depth + 1) for name, sub in props.items()}
    if kind == "array":
        return [] if depth > 6 else [_example(schema.get("items", {}), defs, depth + 1)]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2026-12-01T09:30:00+07:00"
    if fmt == "date":
        return "2026-12-01"
    return "..." if kind == "string" else None


def _path_params(op: Operation) -> list[dict[str, Any]]:
    params = []
    for converter, name in re.findall(r"<(?:([^:<>]+):)?([^<>]+)>", op.rule):
        schema = _ID if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _header(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _errors(op: Operation) -> list[int]:
    statuses = {400, 401, *op.errors}
    if "<" in op.rule:
        statuses.add(404)
    if not op.reads:
        statuses |= {403, 409, 422}  # scope; Idempotency-Key running / reused
    if op.if_match:
        statuses.add(412)
    return sorted(statuses)


def _operation(op: Operation, refs: dict[Any, Any], defs: dict[str, Any]) -> dict[str, Any]:
    params = _path_params(op)
    params += [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "schema": p.schema,
            "description": p.description,
        }
        for p in op.query
    ]
    if op.paged:
        params += [
            {"name": n, "in": "query", "required": False, "schema": s, "description": d}
            for n, s, d in _PAGE_PARAMS
        ]
    if op.method == "POST":
        params.append(
            _header(
                "Idempotency-Key",
                {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
                "Any unique text (a UUID): a retry with the same key within 24 h gets the "
                "first answer (Idempotent-Replayed: true) instead of running again",
            )
        )
    if op.if_match:
        params.append(
            _header(
                "If-Match",
                {"type": "string"},
                "The ETag last read: answered 412 if the object has changed since",
            )
        )
    headers: dict[str, Any] = {}
    if op.etag:
        headers["ETag"] = {
            "description": "The object's current state",
            "schema": {"type": "string"},
        }
    if op.paged:
        headers["Link"] = {
            "description": "first, prev, next and last pages (RFC 8288)",
            "schema": {"type": "string"},
        }
        headers["X-Total-Count"] = {
            "description": "Rows in all pages",
            "schema": {"type": "integer"},
        }
    if op.status in (201, 202):
        headers["Location"] = {"description": "The new resource", "schema": {"type": "string"}}
    if op.media is not None:
        content: dict[str, Any] = {op.media: {"schema": {"type": "string", "format": "binary"}}}
    else:
        assert op.response is not None, op.operation_id
        ref = refs[(op.response, "serialization")]
        content = {"application/json": {"schema": ref, "example": _example(ref, defs)}}
    success: dict[str, Any] = {"description": "OK", "content": content}
    if headers:
        success["headers"] = headers
    responses: dict[str, Any] = {str(op.status): success}
    problem_ref = refs[(schemas.Problem, "serialization")]
    for status in _errors(op):
        responses[str(status)] = {
            "description": _ERRORS[status],
            "content": {
                PROBLEM_MEDIA_TYPE: {
                    "schema": problem_ref,
                    "example": {
                        "type": "urn:tdkt:problem:not_found",
                        "title": "Không tìm thấy",
                        "status": 404,
                        "detail": "Không tìm thấy hồ sơ #7.",
                        "code": "not_found",
                    }
                    if status == 404
                    else _example(problem_ref, defs) | {"status": status},
                }
            },
        }
    document: dict[str, Any] = {
        "operationId": op.operation_id,
        "tags": [op.tag],
        "summary": op.summary,
        "responses": responses,
    }
    if op.description:
        document["description"] = op.description
    if params:
        document["parameters"] = params
    if op.body is not None:
        ref = refs[(op.body, "validation")]
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref, "example": _example(ref, defs)}},
        }
    elif op.form is not None:
        document["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": op.form,
                        "required": ["file"] if "file" in op.form else [],
                    }
                }
            },
        }
    return document


def build_document() -> dict[str, Any]:
    keys: list[tuple[type[BaseModel], Any]] = [(schemas.Problem, "serialization")]
    for op in OPERATIONS:
        if op.response is not None:
            keys.append((op.response, "serialization"))
        if op.body is not None:
            keys.append((op.body, "validation"))
    unique = list(dict.fromkeys(keys))
    refs, defs = models_json_schema(unique, ref_template=REF)
    all_defs: dict[str, Any] = defs.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {
        "/openapi.json": {
            "get": {
                "operationId": "get_openapi",
                "tags": ["meta"],
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object"},
                                "example": {"openapi": "3.1.0"},
                            }
                        },
                    }
                },
            }
        }
    }
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs, all_defs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TĐKT Flow API",
            "version": "1",
            "description": "Every action of the pages, for the roles that may take it: tasks, "
            "dossiers, attachments, comments, council sessions, documents, awards, statistics, "
            "notifications, administration. Authenticate with 'Authorization: Bearer <token>'. "
            "Errors are RFC 9457 problems (application/problem+json) in the Accept-Language "
            "asked (vi, en). See docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name, "description": text} for name, text in _TAGS.items()],
        "paths": paths,
        "components": {
            "schemas": all_defs,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
