"""Webhooks: registered through the API, delivered through the outbox to a real local HTTP
server, each signature verified; retried on failure; a test delivery; no vote in any payload."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.models import Outbox
from engine.notify import webhooks
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World

Received = list[tuple[dict[str, str], bytes]]


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    received: Received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(
                ({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
            )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (docs/api.md): HMAC-SHA256 over "<timestamp>.<body>" (header names
    are case-insensitive; this server lowers them)."""
    expected = hmac.new(
        secret.encode(), headers["x-tdkt-timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest("sha256=" + expected, headers["x-tdkt-signature"])


def _bearer(factory: sessionmaker[Session], world: World, username: str) -> dict[str, str]:
    with unit_of_work(factory) as s:
        token = create_token(s, s.merge(world.procedure.user(username)))
    return {"Authorization": f"Bearer {token}"}


def test_events_reach_a_local_server_signed_and_failures_are_retried(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    url, received = receiver
    admin = _bearer(session_factory, world, "admin")
    types = ["task.created", "task.completed", "dossier.returned", "webhook.test"]
    made = client.post(
        "/api/v1/admin/webhooks", json={"url": url, "event_types": types}, headers=admin
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    secret = made.get_json()["secret"]
    dead = client.post(
        "/api/v1/admin/webhooks",
        json={"url": "http://127.0.0.1:9/closed", "event_types": ["task.completed"]},
        headers=admin,
    )
    assert dead.status_code == 201
    head = _bearer(session_factory, world, "truongphong.qlkh")
    done = client.post(
        f"/api/v1/tasks/{world.task.id}/complete",
        json={"data": {"unit_decision": "return", "unit_reason": "Thiếu minh chứng"}},
        headers=head,
    )
    assert done.status_code == 200
    now = datetime.now(UTC)
    counts = webhooks.deliver_due(session_factory, now)
    assert counts["retry"] == 1, counts
    assert counts["sent"] >= 3
    events = [json.loads(body)["type"] for _h, body in received]
    assert {"task.completed", "dossier.returned", "task.created"} <= set(events)
    for headers, body in received:
        assert verify(secret, headers, body)
        assert headers["x-tdkt-event"] == json.loads(body)["type"]
        assert "vote" not in body.decode()
    assert not verify("whsec_wrong", *received[0])
    returned = next(
        json.loads(b) for _h, b in received if json.loads(b)["type"] == "dossier.returned"
    )
    assert returned["data"]["dossier_id"] == world.dossier.id
    assert returned["data"]["reason"] == "Thiếu minh chứng"

    log = client.get("/api/v1/admin/webhooks/deliveries", headers=admin).get_json()["items"]
    failed = [d for d in log if d["status"] == "pending" and d["last_error"]]
    assert len(failed) == 1
    assert failed[0]["attempts"] == 1
    # Backed off: not due again at once, due after the wait.
    assert webhooks.deliver_due(session_factory, now)["retry"] == 0
    assert webhooks.deliver_due(session_factory, now + timedelta(minutes=2))["retry"] == 1

    before = len(received)
    test = client.post(f"/api/v1/admin/webhooks/{made.get_json()['id']}/test", headers=admin)
    assert test.status_code == 202
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    assert [json.loads(b)["type"] for _h, b in received[before:]] == ["webhook.test"]
    with session_factory() as s:
        sent = s.scalars(select(Outbox).where(Outbox.channel == "webhook", Outbox.status == "sent"))
        assert len(list(sent)) == before + 1


def test_only_administrators_manage_webhooks(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    secretariat = _bearer(session_factory, world, "thuky")
    assert client.get("/api/v1/admin/webhooks", headers=secretariat).status_code == 403
    admin = _bearer(session_factory, world, "admin")
    bad = client.post(
        "/api/v1/admin/webhooks", json={"url": "ftp://x", "event_types": ["nope"]}, headers=admin
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"url", "event_types"}


def test_the_admin_page_registers_sends_a_test_and_shows_the_log(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    from tests.web.conftest import csrf_token, sign_in

    url, received = receiver
    sign_in(client, world.procedure.user("admin"))
    csrf = csrf_token(client)
    page = client.post(
        "/admin/webhooks", data={"url": url, "event_type": ["webhook.test"], "csrf_token": csrf}
    )
    assert page.status_code == 200
    secret = page.get_data(as_text=True).split('<code id="webhook-secret">')[1].split("</code>")[0]
    with session_factory() as s:
        endpoint_id = webhooks.endpoints(s)[0].id
    client.post(f"/admin/webhooks/{endpoint_id}/test", data={"csrf_token": csrf})
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    assert len(received) == 1
    assert verify(secret, *received[0])
    log = client.get("/admin/webhooks").get_data(as_text=True)
    assert "webhook.test" in log
    assert ">sent<" in log
    assert secret not in log


def _register(client: FlaskClient, admin: dict[str, str], url: str, *types: str) -> str:
    made = client.post(
        "/api/v1/admin/webhooks", json={"url": url, "event_types": list(types)}, headers=admin
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    return str(made.get_json()["secret"])


def _bodies(received: Received, secret: str, event_type: str) -> list[dict[str, Any]]:
    found = []
    for headers, body in received:
        assert verify(secret, headers, body)
        payload = json.loads(body)
        if payload["type"] == event_type:
            assert headers["x-tdkt-event"] == event_type
            found.append(payload)
    return found


def test_task_overdue_is_sent_once_when_the_sweep_first_finds_the_task_late(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    from engine.notify.reminders import run_reminder_sweep
    from tests.common.procedure import START

    url, received = receiver
    secret = _register(client, _bearer(session_factory, world, "admin"), url, "task.overdue")
    task = world.task  # unit review, due 5 working days after START
    assert task.due_at is not None
    # Before the due time (the "due soon" and "due day" rungs): not overdue.
    for day in (3, 6):
        run_reminder_sweep(session_factory, START + timedelta(days=day))
        webhooks.deliver_due(session_factory, datetime.now(UTC))
    assert _bodies(received, secret, "task.overdue") == []
    # Late: the first sweep after the due time tells it; the following days' sweeps do not.
    for day in (9, 9, 10, 13, 20):
        run_reminder_sweep(session_factory, START + timedelta(days=day))
        webhooks.deliver_due(session_factory, datetime.now(UTC))
    (overdue,) = _bodies(received, secret, "task.overdue")
    assert overdue["data"]["task_id"] == task.id
    assert overdue["data"]["dossier_id"] == world.dossier.id
    assert overdue["data"]["element_id"] == "unit_review"
    assert overdue["data"]["due_at"] == task.due_at.isoformat()


def test_dossier_submitted_when_the_unit_sends_it_up_not_at_the_clerks_preparing_step(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    url, received = receiver
    secret = _register(client, _bearer(session_factory, world, "admin"), url, "dossier.submitted")
    procedure, d = world.procedure, world.dossier.id
    # The world's clerk has prepared the dossier already: nothing sent; the unit head approves.
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    assert _bodies(received, secret, "dossier.submitted") == []
    procedure.unit_review(d)
    # Returned by the secretariat, prepared and approved again: a second submission.
    procedure.completeness(d, "return", "Thiếu bản sao quyết định")
    procedure.prepare(d)
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    assert len(_bodies(received, secret, "dossier.submitted")) == 1
    procedure.unit_review(d)
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    first, second = _bodies(received, secret, "dossier.submitted")
    head = procedure.user("truongphong.qlkh")
    for body in (first, second):
        assert body["data"]["dossier_id"] == d
        assert body["data"]["stage"] == "completeness"
        assert body["data"]["submitted_by"] == head.id
    assert first["data"]["task_id"] != second["data"]["task_id"]


def test_dossier_submitted_is_not_sent_when_the_unit_rejects_or_the_check_blocks(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    url, received = receiver
    secret = _register(client, _bearer(session_factory, world, "admin"), url, "dossier.submitted")
    world.procedure.unit_review(world.dossier.id, "reject", "Chưa đủ thành tích")
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    assert _bodies(received, secret, "dossier.submitted") == []


def test_council_session_closed_carries_counts_and_outcomes_never_a_vote(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    url, received = receiver
    admin = _bearer(session_factory, world, "admin")
    secret = _register(client, admin, url, "council_session.closed")
    procedure = world.procedure
    first = world.dossier.id
    second = procedure.file("vanthu.qlkh", "cb011", "LDTT")
    procedure.unit_review(first)
    procedure.completeness(first)
    procedure.to_council(second)
    procedure.end_posting()
    members = procedure.members()
    n = len(members)
    # One member disagrees on the first dossier; the second gets no more than one agree.
    votes = {
        first: ["disagree"] + ["agree"] * (n - 1),
        second: ["agree"] + ["disagree"] * (n - 1),
    }
    session_id = procedure.hold_session(votes, absent=1)
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    (closed,) = _bodies(received, secret, "council_session.closed")
    data = closed["data"]
    assert data["council_session_id"] == session_id
    assert data["members"] == n
    assert data["participants"] == n
    by_dossier = {r["dossier_id"]: r for r in data["results"]}
    assert set(by_dossier) == {first, second}
    assert (by_dossier[first]["agree"], by_dossier[first]["disagree"]) == (n - 1, 1)
    assert by_dossier[first]["selected"] is True
    assert (by_dossier[second]["agree"], by_dossier[second]["disagree"]) == (1, n - 1)
    assert by_dossier[second]["selected"] is False
    for result in data["results"]:
        assert set(result) <= {"dossier_id", *webhooks.COUNCIL_RESULT_FIELDS}
    # Nothing in the body names a member, a sheet or a ballot.
    text = received[-1][1].decode()
    for word in ("vote", "ballot", "sheet"):
        assert word not in text
    for member in members:
        assert member.username not in text
        assert f'"{member.id}"' not in text


def test_a_step_that_publishes_twice_reads_the_endpoints_once_and_a_new_one_is_seen_next(
    client: FlaskClient,
    world: World,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    url, received = receiver
    admin = _bearer(session_factory, world, "admin")
    submitted = _register(client, admin, url, "dossier.submitted")
    reads: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        if "FROM webhook_endpoint" in statement:
            reads.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        # The unit head's approval publishes the step's events, then dossier.submitted.
        world.procedure.unit_review(world.dossier.id)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert len(reads) == 1
    # An endpoint registered after that transaction gets the next step's events.
    completed = _register(client, admin, url, "task.completed")
    world.procedure.completeness(world.dossier.id, "return", "Thiếu bản sao quyết định")
    webhooks.deliver_due(session_factory, datetime.now(UTC))
    by_type: dict[str, int] = {}
    for headers, body in received:
        kind = headers["x-tdkt-event"]
        assert verify(submitted if kind == "dossier.submitted" else completed, headers, body)
        by_type[kind] = by_type.get(kind, 0) + 1
    assert by_type == {"dossier.submitted": 1, "task.completed": 1}
