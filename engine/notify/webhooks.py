"""Webhooks: an administrator's endpoints receive signed JSON events, through the outbox.

A subscribed event writes a ``webhook_delivery`` (the log) and an ``outbox`` row of channel
``webhook`` in the publishing step's transaction; after commit the outbox dispatcher queues it,
and :func:`deliver_due` claims it like an e-mail (one claim, a lease, retries with back-off,
``failed`` after the last attempt, listed on the failed-outbox page and retried from there).

Each POST carries ``X-TDKT-Event``, ``X-TDKT-Delivery``, ``X-TDKT-Timestamp`` (Unix seconds)
and ``X-TDKT-Signature: sha256=<hex>``, the HMAC-SHA256 of ``<timestamp>.<body>`` under the
endpoint's secret (docs/api.md has the check). Payloads carry ids, names, stages and outcomes;
never a vote: no event is emitted from a ballot, and ``council_session.closed`` carries the
tally's counts per dossier (as the minutes do), never a sheet, a member or who voted how.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from engine import audit, events
from engine.errors import NotFound, ValidationFailed
from engine.models import (
    CouncilSession,
    Dossier,
    HumanTask,
    Outbox,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from engine.models.base import utcnow
from engine.notify.core import send_after_commit
from engine.notify.outbox import MAX_BACKOFF, claim
from engine.unit_of_work import unit_of_work

log = logging.getLogger(__name__)

CHANNEL = "webhook"
EVENT_TYPES = (
    "task.created",
    "task.completed",
    "task.overdue",
    "dossier.submitted",
    "dossier.returned",
    "dossier.decided",
    "dossier.awarded",
    "council_session.closed",
    "webhook.test",
)
#: The per-dossier figures of ``council_session.closed``: counts and the outcome, nothing else.
COUNCIL_RESULT_FIELDS = (
    "agree",
    "disagree",
    "blank",
    "recused",
    "base",
    "needed",
    "passed",
    "selected",
    "reason",
)
MAX_ATTEMPTS = 8
RETRY_SECONDS = 60.0
LEASE_SECONDS = 120.0
TIMEOUT_SECONDS = 10.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def register(session: Session, actor: User, url: str, event_types: list[str]) -> WebhookEndpoint:
    """Register an endpoint for ``event_types``; its secret is generated here."""
    errors = {}
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        errors["url"] = "Nhập địa chỉ http(s) đầy đủ (tối đa 500 ký tự)."
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown or not event_types:
        errors["event_types"] = "Chọn loại sự kiện trong: " + ", ".join(EVENT_TYPES) + "."
    if errors:
        raise ValidationFailed(" ".join(errors.values()), errors)
    with unit_of_work(session):
        endpoint = WebhookEndpoint(
            url=url.strip(),
            secret="whsec_" + secrets.token_urlsafe(32),
            event_types=sorted(set(event_types)),
            created_by=actor.id,
        )
        session.add(endpoint)
        session.flush()
        audit.record(
            session, "webhook_registered", actor_id=actor.id, summary={"endpoint_id": endpoint.id}
        )
    return endpoint


def deactivate(session: Session, actor: User, endpoint_id: int) -> WebhookEndpoint:
    with unit_of_work(session):
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise NotFound("Không tìm thấy webhook.")
        endpoint.active = False
        audit.record(
            session, "webhook_deactivated", actor_id=actor.id, summary={"endpoint_id": endpoint_id}
        )
    return endpoint


def _enqueue(
    session: Session, endpoint: WebhookEndpoint, event_type: str, data: dict[str, Any]
) -> None:
    delivery = WebhookDelivery(endpoint_id=endpoint.id, event_type=event_type, payload={})
    session.add(delivery)
    session.flush()
    delivery.payload = {
        "id": delivery.id,
        "type": event_type,
        "created_at": utcnow().isoformat(),
        "data": data,
    }
    row = Outbox(
        user_id=endpoint.created_by,
        channel=CHANNEL,
        status="pending",
        dedupe_key=f"webhook:{delivery.id}",
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()
    delivery.outbox_id = row.id
    send_after_commit(session, row.id)


def send_test(session: Session, actor: User, endpoint_id: int) -> None:
    """Queue a ``webhook.test`` delivery to the endpoint (the admin page's "send test")."""
    with unit_of_work(session):
        endpoint = session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise NotFound("Không tìm thấy webhook.")
        _enqueue(session, endpoint, "webhook.test", {"by": actor.username})


def _task_data(task: HumanTask) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "dossier_id": task.dossier_id,
        "element_id": task.element_id,
        "name": task.name,
        "stage": task.stage,
        "candidate_role": task.candidate_role,
        "due_at": task.due_at.isoformat() if task.due_at else None,
    }


def _dossier_data(dossier: Dossier, **extra: Any) -> dict[str, Any]:
    return {
        "dossier_id": dossier.id,
        "title_code": dossier.title_code,
        "unit_id": dossier.unit_id,
        "stage": dossier.stage,
        "status": dossier.status,
        **extra,
    }


def _council_data(session: Session, item: events.CouncilSessionClosed) -> dict[str, Any]:
    """The closed session's counts per dossier, each figure named in COUNCIL_RESULT_FIELDS."""
    sitting = session.get(CouncilSession, item.council_session_id)
    return {
        "council_session_id": item.council_session_id,
        "campaign_id": sitting.campaign_id if sitting else None,
        "meeting_date": sitting.meeting_date.isoformat() if sitting else None,
        "members": item.members,
        "participants": item.participants,
        "results": [
            {"dossier_id": dossier_id}
            | {k: figures[k] for k in COUNCIL_RESULT_FIELDS if k in figures}
            for dossier_id, figures in sorted(item.results.items())
        ],
        "undecided": [
            {"dossier_id": dossier_id, "reason": reason}
            for dossier_id, reason in sorted(item.undecided.items())
        ],
    }


def _payloads(session: Session, item: events.Event) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(item, events.TaskReady) and item.new:
        task = session.get(HumanTask, item.task_id)
        return [("task.created", _task_data(task))] if task is not None else []
    if isinstance(item, events.TaskCompleted):
        task = session.get(HumanTask, item.task_id)
        if task is None:
            return []
        return [("task.completed", {**_task_data(task), "completed_by": item.by_id})]
    if isinstance(item, events.TaskOverdue):
        task = session.get(HumanTask, item.task_id)
        if task is None:
            return []
        return [("task.overdue", {**_task_data(task), "assignee_id": task.assignee_id})]
    if isinstance(item, events.DossierSubmitted):
        dossier = session.get(Dossier, item.dossier_id)
        if dossier is None:
            return []
        data = _dossier_data(dossier, task_id=item.task_id, submitted_by=item.by_id)
        return [("dossier.submitted", data)]
    if isinstance(item, events.CouncilSessionClosed):
        return [("council_session.closed", _council_data(session, item))]
    if isinstance(item, events.DossierReturned):
        dossier = session.get(Dossier, item.dossier_id)
        if dossier is None:
            return []
        return [
            ("dossier.returned", _dossier_data(dossier, task_id=item.task_id, reason=item.reason))
        ]
    if isinstance(item, events.DossierDecided):
        dossier = session.get(Dossier, item.dossier_id)
        if dossier is None:
            return []
        data = _dossier_data(dossier, outcome=item.outcome, decision_no=dossier.decision_no)
        found = [("dossier.decided", data)]
        if item.outcome == "awarded":
            found.append(("dossier.awarded", data))
        return found
    return []


#: The active endpoints, read once per transaction however many times an operation publishes
#: (a completion that sends a dossier up publishes twice); kept with the transaction they were
#: read in, so the next transaction reads them again.
_ENDPOINTS = "tdkt.webhooks.active_endpoints"


def _active_endpoints(session: Session) -> list[WebhookEndpoint]:
    transaction = session.get_transaction()
    kept = session.info.get(_ENDPOINTS)
    if kept is not None and transaction is not None and kept[0] is transaction:
        return list(kept[1])
    endpoints = list(session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active)))
    session.info[_ENDPOINTS] = (transaction, endpoints)
    return endpoints


def on_events(session: Session, published: list[events.Event]) -> None:
    """Queue a delivery per subscribed endpoint and event (a subscriber, engine.wiring)."""
    endpoints: list[WebhookEndpoint] | None = None
    for item in published:
        for event_type, data in _payloads(session, item):
            if endpoints is None:
                endpoints = _active_endpoints(session)
            for endpoint in endpoints:
                if event_type in endpoint.event_types:
                    _enqueue(session, endpoint, event_type, data)


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    # The URL is http(s) only, checked when it was registered.
    request = urllib.request.Request(  # noqa: S310
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "TDKT-Flow-Webhook/1",
            "X-TDKT-Event": delivery.event_type,
            "X-TDKT-Delivery": str(delivery.id),
            "X-TDKT-Timestamp": timestamp,
            "X-TDKT-Signature": sign(endpoint.secret, timestamp, body),
        },
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return int(response.status)


def deliver_due(
    factory: sessionmaker[Session], now: datetime, ids: list[int] | None = None
) -> dict[str, int]:
    """Claim and send due webhook deliveries (only ``ids`` if given); return counts."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "lost": 0}
    for claimed in claim(factory, now, LEASE_SECONDS, "localhost", ids, channel=CHANNEL):
        with factory() as session:
            delivery = session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.outbox_id == claimed.outbox_id)
            ).one()
            endpoint = delivery.endpoint
            session.expunge_all()
        status: int | None = None
        error: str | None = None
        try:
            status = _post(endpoint, delivery)
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        ok = status is not None and 200 <= status < 300
        if ok:
            values: dict[str, Any] = {"status": "sent", "sent_at": now, "last_error": None}
        elif claimed.attempt >= MAX_ATTEMPTS or not endpoint.active:
            values = {"status": "failed", "last_error": error}
        else:
            wait = min(timedelta(seconds=RETRY_SECONDS * 2 ** (claimed.attempt - 1)), MAX_BACKOFF)
            values = {"status": "pending", "next_attempt_at": now + wait, "last_error": error}
        with unit_of_work(factory) as session:
            done = session.execute(
                update(Outbox)
                .where(
                    Outbox.id == claimed.outbox_id,
                    Outbox.status == "sending",
                    Outbox.attempts == claimed.attempt,
                )
                .values(lease_until=None, **values)
            )
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery.id)
                .values(response_status=status, last_error=error)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                counts["lost"] += 1
                continue
        counts["sent" if ok else ("failed" if values["status"] == "failed" else "retry")] += 1
    return counts


def deliveries(session: Session, limit: int = 100) -> list[tuple[WebhookDelivery, Outbox | None]]:
    """Return the delivery log, newest first, with each delivery's outbox row (its state)."""
    rows = session.execute(
        select(WebhookDelivery, Outbox)
        .outerjoin(Outbox, Outbox.id == WebhookDelivery.outbox_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return [(d, o) for d, o in rows]


def endpoints(session: Session) -> list[WebhookEndpoint]:
    return list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
