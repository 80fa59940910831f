"""Starting a deployed process over the API: the processes the caller may start, and a start.

The same engine operations as the "Khởi tạo quy trình" page and ``tdkt start``
(engine.workflow.operations.startable / start_with_form).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from engine.workflow import operations
from web.api import schemas
from web.api.base import api_user, body, dump, operation
from web.context import db

TAG = "processes"


class Startable(schemas.Model):
    process_id: str
    name: str
    version: int
    form: list[dict[str, Any]]


class StartableList(schemas.Model):
    items: list[Startable]


class StartRequest(schemas.Model):
    data: dict[str, Any] = Field(
        default_factory=dict, max_length=100, description="Values of the start form's fields"
    )


class Started(schemas.Model):
    instance_id: int
    process_id: str
    status: str


@operation(
    "GET",
    "/processes",
    "list_startable_processes",
    TAG,
    "The processes I may start, each with its start form",
    response=StartableList,
)
def process_list() -> dict[str, Any]:
    return dump(
        StartableList(
            items=[
                Startable(process_id=p.process_id, name=p.name, version=p.version, form=p.form)
                for p in operations.startable(db(), api_user())
            ]
        )
    )


@operation(
    "POST",
    "/processes/<process_id>/start",
    "start_process",
    TAG,
    "Start a process with its start form's data",
    response=Started,
    status=201,
    errors=(403, 404, 422),
    body=StartRequest,
)
def process_start(process_id: str) -> tuple[dict[str, Any], int]:
    data = body(StartRequest)
    instance = operations.start_with_form(db(), process_id, api_user(), data.data)
    return dump(
        Started(instance_id=instance.id, process_id=process_id, status=instance.status)
    ), 201
