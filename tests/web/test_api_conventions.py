"""The API's conventions: the document matches the URL map, problems in both languages,
paging, strict parameters, ETag/If-Match, Idempotency-Key and token scopes."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from engine.domain.tokens import create_token, revoke
from engine.models import ApiToken, Dossier, HumanTask
from engine.unit_of_work import unit_of_work
from tests.common.worlds import World
from web.api import OPERATIONS

REVIEW = {"unit_decision": "approve", "unit_minutes_no": "12/BB"}


def _token(factory: sessionmaker[Session], world: World, role: str, **kw: object) -> dict[str, str]:
    user = world.users[role] if role in world.users else world.procedure.user(role)
    with unit_of_work(factory) as s:
        token = create_token(s, s.merge(user), **kw)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {token}"}


def test_the_document_covers_exactly_the_api_url_map(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    declared = {
        (method.upper(), "/api/v1" + path)
        for path, item in document["paths"].items()
        for method in item
    }
    routed = set()
    for rule in client.application.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule
            for converter in ("int:", "string:"):
                path = path.replace("<" + converter, "<")
            path = path.replace("<", "{").replace(">", "}")
            routed |= {(m, path) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    assert declared == routed
    ids = []
    for item in document["paths"].values():
        for op in item.values():
            ids.append(op["operationId"])
            assert op["tags"]
            assert op["summary"]
            for status, response in op["responses"].items():
                for media in response.get("content", {}).values():
                    assert "example" in media or media["schema"].get("format") == "binary"
                if status.startswith("4"):
                    assert "application/problem+json" in response["content"], status
            if op["operationId"] != "get_openapi":
                assert {"400", "401"} <= set(op["responses"])
    assert len(ids) == len(set(ids)) == len(OPERATIONS) + 1


def test_401_is_a_problem_with_a_bearer_challenge_in_either_language(client: FlaskClient) -> None:
    response = client.get("/api/v1/tasks/mine")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    vi = response.get_json()
    assert vi["type"] == "urn:tdkt:problem:unauthorized"
    assert (vi["status"], vi["title"]) == (401, "Chưa xác thực")
    assert vi["detail"] == "Cần mã truy cập (token) hợp lệ."
    en = client.get("/api/v1/tasks/mine", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert en.get_json()["title"] == "Not authenticated"
    assert en.get_json()["detail"] == "A valid access token is required."
    bad = client.get("/api/v1/tasks/mine", headers={"Authorization": "Bearer tdkt_nope"})
    assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]


def test_field_errors_come_in_the_request_language(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    h = _token(session_factory, world, "head_a")
    url = f"/api/v1/tasks/{world.task.id}/complete"
    vi = client.post(url, json={"data": {"unit_decision": "return"}}, headers=h)
    assert vi.status_code == 422
    assert vi.get_json()["fields"] == {"unit_reason": "Vui lòng nhập «Lý do»."}
    en = client.post(
        url, json={"data": {"unit_decision": "return"}}, headers={**h, "Accept-Language": "en"}
    )
    assert en.get_json()["title"] == "Invalid data"
    assert en.get_json()["code"] == "validation_failed"


@pytest.mark.parametrize(
    "op", [o for o in OPERATIONS if o.method == "GET"], ids=lambda o: o.operation_id
)
def test_every_get_refuses_an_unknown_parameter(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session], op: object
) -> None:
    h = _token(session_factory, world, "director")
    path = op.rule  # type: ignore[attr-defined]
    for name in ("task_id", "dossier_id", "attachment_id", "document_id", "session_id"):
        path = path.replace(f"<int:{name}>", "1")
    path = path.replace("<int:notification_id>", "1").replace("<int:token_id>", "1")
    path = path.replace("<int:job_id>", "1")
    response = client.get("/api/v1" + path, query_string={"bogus": "1"}, headers=h)
    assert response.status_code == 400, (path, response.get_data(as_text=True))
    assert response.get_json()["fields"] == {"bogus": "Tham số không được hỗ trợ."}


@pytest.mark.parametrize("op", [o for o in OPERATIONS if o.paged], ids=lambda o: o.operation_id)
def test_every_list_bounds_per_page_and_page(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session], op: object
) -> None:
    h = _token(session_factory, world, "admin" if "admin" in op.rule else "director")  # type: ignore[attr-defined]
    url = "/api/v1" + op.rule.replace("<int:job_id>", "1")  # type: ignore[attr-defined]
    for args in ({"per_page": "0"}, {"per_page": "101"}, {"page": "0"}, {"page": "x"}):
        response = client.get(url, query_string=args, headers=h)
        assert response.status_code == 400, (url, args)
        assert set(response.get_json()["fields"]) == set(args)


def test_paging_gives_links_and_totals(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    for nominee in ("cb011", "cb018"):
        world.procedure.file("vanthu.qlkh", nominee, "LDTT")
    h = _token(session_factory, world, "director")
    first = client.get("/api/v1/dossiers?per_page=2&sort=id", headers=h)
    assert first.get_json()["meta"] == {"total": 3, "page": 1, "pages": 2, "per_page": 2}
    assert first.headers["X-Total-Count"] == "3"
    links = first.headers["Link"]
    assert 'page=2&per_page=2>; rel="next"' in links
    assert "sort=id" in links
    assert 'rel="prev"' not in links
    second = client.get("/api/v1/dossiers?per_page=2&sort=id&page=2", headers=h)
    assert len(second.get_json()["items"]) == 1
    assert 'rel="prev"' in second.headers["Link"]


def test_if_match_with_an_old_etag_is_412_and_the_current_one_works(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    h = _token(session_factory, world, "head_a")
    url = f"/api/v1/tasks/{world.task.id}"
    etag = client.get(url, headers=h).headers["ETag"]
    assert client.post(url + "/claim", headers={**h, "If-Match": '"bogus"'}).status_code == 412
    claimed = client.post(url + "/claim", headers={**h, "If-Match": etag})
    assert claimed.status_code == 200
    assert claimed.headers["ETag"] != etag
    stale = client.post(url + "/complete", json={"data": REVIEW}, headers={**h, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"
    done = client.post(
        url + "/complete", json={"data": REVIEW}, headers={**h, "If-Match": claimed.headers["ETag"]}
    )
    assert done.status_code == 200
    d = f"/api/v1/dossiers/{world.dossier.id}"
    tag = client.get(d, headers=h).headers["ETag"]
    clerk = _token(session_factory, world, "clerk_a")
    w = client.post(d + "/withdraw", json={"reason": "x"}, headers={**clerk, "If-Match": '"x"'})
    assert w.status_code == 412
    ok = client.post(d + "/withdraw", json={"reason": "Rút"}, headers={**clerk, "If-Match": tag})
    assert ok.status_code == 200
    assert ok.get_json()["status"] == "withdrawn"


@contextmanager
def _changed_just_before_the_lock(entity: type[Any], change: Any) -> Iterator[list[bool]]:
    """Run ``change`` (an UPDATE) once, just before the operation's locking SELECT of
    ``entity``: what a concurrent request committing between the API's read and its lock does
    (on SQLite the one write transaction stands in for it; it rolls back with the refusal)."""
    fired: list[bool] = []

    def before_lock(state: ORMExecuteState) -> None:
        statement = state.statement
        if fired or not state.is_select or getattr(statement, "_for_update_arg", None) is None:
            return
        if statement.column_descriptions[0]["entity"] is not entity:  # type: ignore[attr-defined]
            return
        fired.append(True)
        state.session.execute(change)

    # On every session: the request's comes from the application's own factory.
    event.listen(Session, "do_orm_execute", before_lock)
    try:
        yield fired
    finally:
        event.remove(Session, "do_orm_execute", before_lock)


def test_if_match_is_checked_on_the_locked_row_so_a_change_before_the_lock_is_412(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    head = _token(session_factory, world, "head_a")
    url = f"/api/v1/tasks/{world.task.id}"
    etag = client.get(url, headers=head).headers["ETag"]
    other = world.users["head_b"].id
    taken = update(HumanTask).where(HumanTask.id == world.task.id).values(assignee_id=other)
    with _changed_just_before_the_lock(HumanTask, taken) as fired:
        claim = client.post(url + "/claim", headers={**head, "If-Match": etag})
    assert fired
    # Before: the tag matched the row read before the lock and the claim met a 409.
    assert claim.status_code == 412, claim.get_data(as_text=True)

    clerk = _token(session_factory, world, "clerk_a")
    d = f"/api/v1/dossiers/{world.dossier.id}"
    tag = client.get(d, headers=clerk).headers["ETag"]
    moved = (
        update(Dossier)
        .where(Dossier.id == world.dossier.id)
        .values(updated_at=datetime.now(UTC) + timedelta(seconds=1))
    )
    with _changed_just_before_the_lock(Dossier, moved) as fired:
        withdraw = client.post(
            d + "/withdraw", json={"reason": "Rút"}, headers={**clerk, "If-Match": tag}
        )
    assert fired
    # Before: the withdrawal went through over the change it had not seen (a lost update).
    assert withdraw.status_code == 412, withdraw.get_data(as_text=True)
    with session_factory() as s:
        assert s.get_one(Dossier, world.dossier.id).status == "active"
    fresh = client.get(d, headers=clerk).headers["ETag"]
    done = client.post(
        d + "/withdraw", json={"reason": "Rút"}, headers={**clerk, "If-Match": fresh}
    )
    assert done.status_code == 200


def test_a_retried_complete_with_its_idempotency_key_gets_the_first_answer(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    h = {**_token(session_factory, world, "head_a"), "Idempotency-Key": "c0ffee-1"}
    url = f"/api/v1/tasks/{world.task.id}/complete"
    first = client.post(url, json={"data": REVIEW}, headers=h)
    assert first.status_code == 200
    again = client.post(url, json={"data": REVIEW}, headers=h)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.post(url, json={"data": {**REVIEW, "unit_minutes_no": "13"}}, headers=h)
    assert other.status_code == 422
    assert other.get_json()["code"] == "idempotency_key_reused"
    unkeyed = client.post(url, json={"data": REVIEW}, headers={"Authorization": h["Authorization"]})
    assert unkeyed.status_code == 409
    with session_factory() as s:
        task = s.get(HumanTask, world.task.id)
        assert task is not None
        assert task.status == "completed"


def test_a_refused_request_is_not_kept_so_its_retry_runs_again(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    h = {**_token(session_factory, world, "head_a"), "Idempotency-Key": "k-2"}
    url = f"/api/v1/tasks/{world.task.id}/complete"
    assert (
        client.post(url, json={"data": {"unit_decision": "return"}}, headers=h).status_code == 422
    )
    fixed = client.post(url, json={"data": REVIEW}, headers=h)
    assert fixed.status_code == 200
    assert "Idempotent-Replayed" not in fixed.headers


def test_a_read_token_reads_but_may_not_act_and_expiry_and_revocation_end_a_token(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    read = _token(session_factory, world, "head_a", scope="read")
    url = f"/api/v1/tasks/{world.task.id}"
    assert client.get(url, headers=read).status_code == 200
    refused = client.post(url + "/claim", headers=read)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "insufficient_scope"
    soon = datetime.now(UTC) + timedelta(minutes=5)
    expiring = _token(session_factory, world, "head_a", expires_at=soon)
    assert client.get(url, headers=expiring).status_code == 200
    with unit_of_work(session_factory) as s:
        row = s.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
        assert row is not None
        assert row.last_used_at is not None
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    expired = client.get(url, headers=expiring)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    with unit_of_work(session_factory) as s:
        first = s.scalars(select(ApiToken).order_by(ApiToken.id)).first()
        assert first is not None
        revoke(s, s.merge(world.users["head_a"]), first.id)
    assert client.get(url, headers=read).status_code == 401


def test_a_clerk_files_attaches_comments_and_follows_a_dossier_through_the_api(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    h = _token(session_factory, world, "clerk_a")
    nominee = world.procedure.user("cb011")
    body = {
        "campaign_id": world.procedure.campaign_id,
        "title_code": "LDTT",
        "nominee_user_id": nominee.id,
        "achievements": "Hoàn thành tốt nhiệm vụ.",
    }
    filed = client.post("/api/v1/dossiers", json=body, headers={**h, "Idempotency-Key": "f1"})
    assert filed.status_code == 201, filed.get_data(as_text=True)
    dossier = filed.get_json()
    assert filed.headers["Location"] == f"/api/v1/dossiers/{dossier['id']}"
    again = client.post("/api/v1/dossiers", json=body, headers={**h, "Idempotency-Key": "f1"})
    assert again.status_code == 201
    assert again.get_json()["id"] == dossier["id"]
    with session_factory() as s:
        assert (
            len(s.scalars(select(Dossier).where(Dossier.nominee_user_id == nominee.id)).all()) == 1
        )
    prepare = dossier["open_steps"][0]["task_id"]
    upload = client.post(
        f"/api/v1/tasks/{prepare}/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4 proof"), "minh-chung.pdf")},
        headers=h,
    )
    assert upload.status_code == 201, upload.get_data(as_text=True)
    listed = client.get(f"/api/v1/dossiers/{dossier['id']}/attachments", headers=h).get_json()
    assert [a["filename"] for a in listed["items"]] == ["minh-chung.pdf"]
    download = client.get(upload.headers["Location"], headers=h)
    assert download.data == b"%PDF-1.4 proof"
    download.close()
    comment = client.post(
        f"/api/v1/dossiers/{dossier['id']}/comments", json={"body": "Đã bổ sung."}, headers=h
    )
    assert comment.status_code == 201
    history = client.get(f"/api/v1/dossiers/{dossier['id']}/history", headers=h).get_json()
    assert "dossier_filed" in [e["action"] for e in history["items"]]
    diagram = client.get(f"/api/v1/dossiers/{dossier['id']}/diagram", headers=h).get_json()
    assert diagram["current"] == ["prepare_dossier"]
    assert "<bpmn" in diagram["bpmn"]
    outsider = _token(session_factory, world, "clerk_b")
    assert client.get(upload.headers["Location"], headers=outsider).status_code == 404


def test_the_admin_page_creates_shows_once_and_revokes_a_token(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    from tests.web.conftest import csrf_token, sign_in

    sign_in(client, world.procedure.user("admin"))
    csrf = csrf_token(client)
    head = world.users["head_a"]
    page = client.post(
        "/admin/tokens",
        data={
            "user_id": head.id,
            "name": "iOffice",
            "scope": "read",
            "days": "30",
            "csrf_token": csrf,
        },
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    secret = text.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("tdkt_")
    assert "iOffice" in text
    h = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/tasks/mine", headers=h).status_code == 200
    assert secret not in client.get("/admin/tokens").get_data(as_text=True)
    with session_factory() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.name == "iOffice")).one()
        assert row.scope == "read"
        assert row.expires_at is not None
        assert row.last_used_at is not None
    listed = client.get("/admin/tokens").get_data(as_text=True)
    assert "Chỉ đọc" in listed
    assert "Còn hiệu lực" in listed
    client.post(f"/admin/tokens/{row.id}/revoke", data={"csrf_token": csrf})
    assert client.get("/api/v1/tasks/mine", headers=h).status_code == 401
    assert "Đã thu hồi" in client.get("/admin/tokens").get_data(as_text=True)
    sign_in(client, world.users["secretariat"])
    assert client.get("/admin/tokens").status_code == 403


def test_if_match_waits_for_a_concurrent_change_and_then_refuses_it_on_postgresql(
    client: FlaskClient, world: World, session_factory: sessionmaker[Session]
) -> None:
    """Two sessions for real: another holds the task's row, changes it and commits while the
    claim waits for the lock; the claim then compares If-Match with the committed row: 412."""
    import threading

    if session_factory.kw["bind"].dialect.name != "postgresql":
        pytest.skip("row locks of two sessions: PostgreSQL (TDKT_TEST_DATABASE_URL)")
    head = _token(session_factory, world, "head_a")
    url = f"/api/v1/tasks/{world.task.id}"
    etag = client.get(url, headers=head).headers["ETag"]
    holding, answered = threading.Event(), {}
    other = world.users["head_b"].id

    def claim() -> None:
        holding.wait(10)
        answered["claim"] = client.post(url + "/claim", headers={**head, "If-Match": etag})

    thread = threading.Thread(target=claim)
    thread.start()
    with unit_of_work(session_factory) as s:
        s.scalars(select(HumanTask).where(HumanTask.id == world.task.id).with_for_update()).one()
        holding.set()
        time.sleep(1.0)  # the claim reads, then waits on the lock held here
        s.execute(update(HumanTask).where(HumanTask.id == world.task.id).values(assignee_id=other))
    thread.join(30)
    assert answered["claim"].status_code == 412, answered["claim"].get_data(as_text=True)
    with session_factory() as s:
        assert s.get_one(HumanTask, world.task.id).assignee_id == other
