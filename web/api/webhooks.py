"""Webhook endpoints (administrators): register, list, send a test, read the delivery log."""

from __future__ import annotations

from typing import Any

from flask import Response
from pydantic import AwareDatetime, Field

from engine import permissions
from engine.errors import Forbidden
from engine.models import Outbox, WebhookDelivery, WebhookEndpoint
from engine.notify import webhooks
from web.api import schemas
from web.api.base import api_user, body, dump, operation, page_and_size, paged
from web.context import db

TAG = "webhooks"


def _require() -> None:
    if not permissions.may_administer(api_user(), "org"):
        raise Forbidden("Chỉ quản trị hệ thống quản lý webhook.")


class EndpointInfo(schemas.Model):
    id: int
    url: str
    event_types: list[str]
    active: bool
    created_at: AwareDatetime


class NewEndpoint(EndpointInfo):
    secret: str = Field(description="The signing secret: shown this once")


class EndpointRequest(schemas.Model):
    url: str = Field(max_length=500, description="http(s) URL that receives the POSTs")
    event_types: list[str] = Field(
        min_length=1,
        max_length=len(webhooks.EVENT_TYPES),
        description=", ".join(webhooks.EVENT_TYPES),
    )


class DeliveryInfo(schemas.Model):
    id: int
    endpoint_id: int
    event_type: str
    status: str = Field(description="pending, sending, sent or failed (the outbox row's)")
    attempts: int
    response_status: int | None
    last_error: str | None
    created_at: AwareDatetime
    sent_at: AwareDatetime | None


class Queued(schemas.Model):
    queued: bool


def _endpoint(e: WebhookEndpoint) -> dict[str, Any]:
    return dump(
        EndpointInfo(
            id=e.id,
            url=e.url,
            event_types=list(e.event_types),
            active=e.active,
            created_at=e.created_at,
        )
    )


def _delivery(d: WebhookDelivery, o: Outbox | None) -> dict[str, Any]:
    return dump(
        DeliveryInfo(
            id=d.id,
            endpoint_id=d.endpoint_id,
            event_type=d.event_type,
            status=o.status if o else "pending",
            attempts=o.attempts if o else 0,
            response_status=d.response_status,
            last_error=d.last_error,
            created_at=d.created_at,
            sent_at=o.sent_at if o else None,
        )
    )


@operation(
    "GET",
    "/admin/webhooks",
    "list_webhooks",
    TAG,
    "Registered webhook endpoints",
    response=schemas.page_of(EndpointInfo),
    errors=(403,),
    paged=True,
)
def list_webhooks() -> Response:
    _require()
    number, per_page = page_and_size()
    rows = webhooks.endpoints(db())
    start = (number - 1) * per_page
    return paged(
        [_endpoint(e) for e in rows[start : start + per_page]], len(rows), number, per_page
    )


@operation(
    "POST",
    "/admin/webhooks",
    "register_webhook",
    TAG,
    "Register an endpoint for event types; the signing secret is shown once",
    response=NewEndpoint,
    status=201,
    errors=(403, 422),
    body=EndpointRequest,
)
def register_webhook() -> tuple[dict[str, Any], int]:
    _require()
    data = body(EndpointRequest)
    endpoint = webhooks.register(db(), api_user(), data.url, data.event_types)
    return {**_endpoint(endpoint), "secret": endpoint.secret}, 201


@operation(
    "POST",
    "/admin/webhooks/<int:endpoint_id>/test",
    "send_test_webhook",
    TAG,
    "Send a webhook.test delivery to the endpoint",
    response=Queued,
    status=202,
    errors=(403,),
)
def send_test(endpoint_id: int) -> tuple[dict[str, Any], int]:
    _require()
    webhooks.send_test(db(), api_user(), endpoint_id)
    return dump(Queued(queued=True)), 202


@operation(
    "GET",
    "/admin/webhooks/deliveries",
    "list_webhook_deliveries",
    TAG,
    "The delivery log, newest first (failed ones are also on the failed-outbox list)",
    response=schemas.page_of(DeliveryInfo),
    errors=(403,),
    paged=True,
)
def list_deliveries() -> Response:
    _require()
    number, per_page = page_and_size()
    rows = webhooks.deliveries(db(), 1000)
    start = (number - 1) * per_page
    return paged(
        [_delivery(d, o) for d, o in rows[start : start + per_page]], len(rows), number, per_page
    )
