"""The OpenAPI 3.1 document, built from the pydantic schemas the views answer with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from engine.db import MAX_ID
from engine.read import queries
from web.api import schemas

REF = "#/components/schemas/{model}"
_ERROR_STATUSES = {
    "400": "Malformed request (bad JSON, JSON nested too deeply, a NUL character)",
    "401": "Missing or invalid token",
    "403": "Not allowed to take this action",
    "404": "Not found, or not visible to the caller",
    "409": "The task is no longer ready (someone else completed it)",
    "422": "Submitted data or query parameters do not fit (the error names each in fields)",
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(model)}}


def _operation(
    summary: str,
    response: type[BaseModel],
    errors: tuple[str, ...],
    body: type[BaseModel] | None = None,
    params: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": "OK", "content": _json(response)}}
    for status in ("401", *errors):
        responses[status] = {
            "description": _ERROR_STATUSES[status],
            "content": _json(schemas.ErrorResponse),
        }
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if params:
        op["parameters"] = list(params)
    if body is not None:
        op["requestBody"] = {"required": True, "content": _json(body)}
    return op


_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _ID}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _list_params(sorts: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    return (
        _query(
            "q",
            {"type": "string", "maxLength": queries.MAX_QUERY},
            "Nominee name, diacritics optional ('nguyen van')",
        ),
        _query("campaign", _ID, "Campaign id"),
        _query("stage", {"type": "string"}, "Procedure stage"),
        _query("title", {"type": "string"}, "Title code, e.g. CSTDCS"),
        _query("unit", _ID, "Nominating unit id"),
        _query(
            "sort",
            {"type": "string", "enum": list(sorts)},
            f"Sort key (default {sorts[0]}); prefix '-' for descending",
        ),
        _query(
            "page",
            {"type": "integer", "minimum": 1, "maximum": queries.MAX_PAGE},
            "Page number, from 1",
        ),
    )


_LIST_PARAMS = _list_params(schemas.DOSSIER_SORTS)
_TASK_PARAMS = (
    *_list_params(schemas.TASK_SORTS),
    _query("due", {"type": "string", "enum": list(queries.DUE_STATES)}, "Due state"),
)
#: What a list answers to a bad parameter (422) or a NUL character in one (400).
_LIST_ERRORS = ("400", "422")


def build_document() -> dict[str, Any]:
    responses: list[type[BaseModel]] = [
        schemas.ErrorResponse,
        schemas.TaskList,
        schemas.TaskDetail,
        schemas.DossierList,
        schemas.DossierDetail,
        schemas.BallotReceipt,
    ]
    requests: list[type[BaseModel]] = [schemas.CompleteRequest, schemas.BallotRequest]
    # No model is both a request and a response, so pydantic keeps plain names (no -Input).
    _, defs = models_json_schema(
        [(m, "serialization") for m in responses] + [(m, "validation") for m in requests],
        ref_template=REF,
    )
    task_id, dossier_id = _path_id("task_id"), _path_id("dossier_id")
    not_found = ("404",)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TĐKT Flow API",
            "version": "1",
            "description": "Reviewers' tasks, dossiers and council ballots. Authenticate with "
            "'Authorization: Bearer <token>' (create one with `tdkt token create USERNAME`).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/tasks/mine": {
                "get": _operation(
                    "Open tasks assigned to me",
                    schemas.TaskList,
                    _LIST_ERRORS,
                    params=_TASK_PARAMS,
                )
            },
            "/tasks/group": {
                "get": _operation(
                    "Open tasks my groups may claim",
                    schemas.TaskList,
                    _LIST_ERRORS,
                    params=_TASK_PARAMS,
                )
            },
            "/tasks/{task_id}": {
                "get": _operation(
                    "A task with its form", schemas.TaskDetail, not_found, params=(task_id,)
                )
            },
            "/tasks/{task_id}/claim": {
                "post": _operation(
                    "Claim a group task",
                    schemas.TaskDetail,
                    ("403", "404", "409"),
                    params=(task_id,),
                )
            },
            "/tasks/{task_id}/unclaim": {
                "post": _operation(
                    "Give a claimed task back to its group",
                    schemas.TaskDetail,
                    ("403", "404", "409"),
                    params=(task_id,),
                )
            },
            "/tasks/{task_id}/complete": {
                "post": _operation(
                    "Complete a task with its form data",
                    schemas.TaskDetail,
                    ("400", "403", "404", "409", "422"),
                    body=schemas.CompleteRequest,
                    params=(task_id,),
                )
            },
            "/dossiers": {
                "get": _operation(
                    "Dossiers I may see", schemas.DossierList, _LIST_ERRORS, params=_LIST_PARAMS
                )
            },
            "/dossiers/{dossier_id}": {
                "get": _operation(
                    "A dossier with its steps, timeline, attachments and comments",
                    schemas.DossierDetail,
                    not_found,
                    params=(dossier_id,),
                )
            },
            "/ballots/{task_id}": {
                "post": _operation(
                    "Cast my ballot sheet, or enter an absent member's written ballot (once)",
                    schemas.BallotReceipt,
                    ("400", "403", "404", "409", "422"),
                    body=schemas.BallotRequest,
                    params=(task_id,),
                )
            },
        },
        "components": {
            "schemas": defs["$defs"],
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
