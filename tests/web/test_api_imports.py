"""Imports through the API, as background jobs (engine.admin.imports.request_import): every kind
the admin pages import, followed (status, progress, row report and diff) and confirmed; a
retried upload with its Idempotency-Key queues no second job; managers import and follow their
own award jobs; ratings and initiatives read back per person, unit and year."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.admin.imports import run_import_job
from engine.domain.tokens import create_token
from engine.models import ImportJob, Initiative, PerformanceRecord, User
from engine.models.agency import IMPORT_KINDS
from engine.unit_of_work import unit_of_work
from tests.common import agency
from tests.common.procedure import Procedure
from web.api import imports as api_imports

AGENCY = agency.build()


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The job ids the API hands to the worker (the test runs the worker's function itself)."""
    sent: list[int] = []
    monkeypatch.setattr(api_imports, "_enqueue", sent.append)
    return sent


def _bearer(factory: sessionmaker[Session], procedure: Procedure, username: str) -> dict[str, str]:
    with unit_of_work(factory) as s:
        token = create_token(s, s.merge(procedure.user(username)))
    return {"Authorization": f"Bearer {token}"}


def _upload(
    client: FlaskClient,
    headers: dict[str, str],
    kind: str | None,
    *,
    partial: bool = False,
    key: str | None = None,
    path: str = "/api/v1/imports",
) -> Any:
    name, content = AGENCY.files[kind if kind in AGENCY.files else "awards"]
    data: dict[str, Any] = {"file": (io.BytesIO(content), name), "partial": str(partial).lower()}
    if kind is not None:
        data["kind"] = kind
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(
        path, data=data, content_type="multipart/form-data", headers={**headers, **extra}
    )


def test_every_kind_is_queued_followed_and_applied_as_a_job(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    queued: list[int],
) -> None:
    admin = _bearer(session_factory, procedure, "admin")
    for kind in IMPORT_KINDS:  # in the order the pages suggest: units first, awards last
        sent = _upload(client, admin, kind, partial=True)
        assert sent.status_code == 202, (kind, sent.get_data(as_text=True))
        job = sent.get_json()
        assert (job["kind"], job["status"], job["apply_url"]) == (kind, "queued", None)
        url = sent.headers["Location"]
        assert client.get(url, headers=admin).get_json()["progress_percent"] == 0
        assert queued[-1] == job["id"]
        run_import_job(session_factory, job["id"])
        previewed = client.get(url, headers=admin).get_json()
        assert previewed["status"] == "previewed", (kind, previewed["error"])
        assert previewed["progress_percent"] == 100
        counts = previewed["counts"]
        assert sum(counts.values()) == previewed["total_rows"] > 0
        rows = client.get(previewed["rows_url"] + "?per_page=100", headers=admin)
        assert rows.status_code == 200
        assert rows.get_json()["meta"]["total"] == previewed["total_rows"]
        assert rows.headers["X-Total-Count"] == str(previewed["total_rows"])
        applied = client.post(previewed["apply_url"], headers=admin)
        assert applied.status_code == 202, applied.get_data(as_text=True)
        run_import_job(session_factory, job["id"])
        done = client.get(url, headers=admin).get_json()
        assert done["status"] == "applied", (kind, done["error"])
        again = client.post(previewed["apply_url"], headers=admin)
        assert again.status_code == 409  # applied once, never twice
    listed = client.get("/api/v1/imports?kind=ratings&status=applied", headers=admin).get_json()
    assert [j["kind"] for j in listed["items"]] == ["ratings"]
    with session_factory() as s:
        assert (s.scalar(select(func.count(PerformanceRecord.id))) or 0) >= 600
        assert (s.scalar(select(func.count(Initiative.id))) or 0) > 0


def test_the_diff_of_a_changed_row_and_the_row_filter(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    queued: list[int],
) -> None:
    admin = _bearer(session_factory, procedure, "admin")
    first = _upload(client, admin, "units", partial=True).get_json()
    run_import_job(session_factory, first["id"])
    client.post(f"/api/v1/imports/{first['id']}/apply", headers=admin)
    run_import_job(session_factory, first["id"])
    name, content = AGENCY.files["units"]
    renamed = content.replace("Thanh tra Sở".encode(), "Thanh tra Sở KH&CN".encode())
    sent = client.post(
        "/api/v1/imports",
        data={"kind": "units", "file": (io.BytesIO(renamed), name)},
        content_type="multipart/form-data",
        headers=admin,
    )
    run_import_job(session_factory, sent.get_json()["id"])
    changed = client.get(
        f"/api/v1/imports/{sent.get_json()['id']}/rows?status=changed", headers=admin
    ).get_json()["items"]
    assert [(r["name"], r["changes"]) for r in changed] == [
        ("Thanh tra Sở KH&CN", {"name": ["Thanh tra Sở", "Thanh tra Sở KH&CN"]})
    ]
    bad = client.get(f"/api/v1/imports/{sent.get_json()['id']}/rows?status=nope", headers=admin)
    assert bad.status_code == 400
    assert set(bad.get_json()["fields"]) == {"status"}


def test_a_retried_upload_with_its_idempotency_key_queues_one_job(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    queued: list[int],
) -> None:
    admin = _bearer(session_factory, procedure, "admin")
    key = str(uuid.uuid4())
    first = _upload(client, admin, "units", key=key)
    retry = _upload(client, admin, "units", key=key)
    assert (first.status_code, retry.status_code) == (202, 202)
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["id"] == first.get_json()["id"]
    assert retry.headers["Location"] == first.headers["Location"]
    assert queued == [first.get_json()["id"]]
    with session_factory() as s:
        assert s.scalar(select(func.count(ImportJob.id))) == 1


def test_managers_import_awards_and_follow_only_their_own_jobs(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    queued: list[int],
) -> None:
    director = _bearer(session_factory, procedure, "giamdoc")
    secretariat = _bearer(session_factory, procedure, "thuky")
    admin = _bearer(session_factory, procedure, "admin")
    clerk = _bearer(session_factory, procedure, "vanthu.qlkh")
    # The award page's endpoint queues a job of kind awards, as /imports does.
    sent = _upload(client, director, None, partial=True, path="/api/v1/awards/import")
    assert sent.status_code == 202, sent.get_data(as_text=True)
    job = sent.get_json()
    assert job["kind"] == "awards"
    run_import_job(session_factory, job["id"])
    url = sent.headers["Location"]
    assert client.get(url, headers=director).get_json()["status"] == "previewed"
    assert client.get(url, headers=admin).status_code == 200  # administrators see every job
    # Another manager is not told the job exists, nor may confirm it.
    assert client.get(url, headers=secretariat).status_code == 404
    assert client.get(url + "/rows", headers=secretariat).status_code == 404
    assert client.post(url + "/apply", headers=secretariat).status_code == 404
    assert client.get("/api/v1/imports", headers=secretariat).get_json()["items"] == []
    assert [
        j["id"] for j in client.get("/api/v1/imports", headers=director).get_json()["items"]
    ] == [job["id"]]
    assert client.post(url + "/apply", headers=director).status_code == 202
    run_import_job(session_factory, job["id"])
    assert client.get(url, headers=director).get_json()["status"] == "applied"
    # Managers import the award history only; a clerk imports nothing.
    assert _upload(client, director, "units").status_code == 403
    assert _upload(client, clerk, "awards").status_code == 403
    assert client.get("/api/v1/imports", headers=clerk).status_code == 403
    assert queued == [job["id"], job["id"]]


def test_bad_uploads_are_4xx_with_the_field_named(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    queued: list[int],
) -> None:
    admin = _bearer(session_factory, procedure, "admin")
    bogus = _upload(client, admin, "bogus")
    assert bogus.status_code == 422
    assert set(bogus.get_json()["fields"]) == {"kind"}
    empty = client.post(
        "/api/v1/imports",
        data={"kind": "units"},
        content_type="multipart/form-data",
        headers=admin,
    )
    assert empty.status_code == 422
    assert set(empty.get_json()["fields"]) == {"file"}
    odd = _upload(client, admin, "units")
    assert odd.status_code == 202
    partial = client.post(
        "/api/v1/imports",
        data={"kind": "units", "partial": "maybe", "file": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
        headers=admin,
    )
    assert partial.status_code == 422
    assert client.get("/api/v1/imports?kind=nope", headers=admin).status_code == 400
    assert client.get("/api/v1/imports/2147483647", headers=admin).status_code == 404
    # An unreadable file fails its job with a message, never a dead worker.
    broken = client.post(
        "/api/v1/imports",
        data={"kind": "staff", "file": (io.BytesIO(b"not a workbook"), "staff.xlsx")},
        content_type="multipart/form-data",
        headers=admin,
    )
    run_import_job(session_factory, broken.get_json()["id"])
    failed = client.get(broken.headers["Location"], headers=admin).get_json()
    assert failed["status"] == "failed"
    assert failed["error"]


def test_ratings_and_initiatives_per_person_unit_and_year(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
) -> None:
    director = _bearer(session_factory, procedure, "giamdoc")
    nominee = procedure.user("cb004")
    with session_factory() as s:
        years = sorted(
            s.scalars(select(PerformanceRecord.year).where(PerformanceRecord.user_id == nominee.id))
        )
        unit_rows = s.scalar(
            select(func.count(PerformanceRecord.id)).where(
                PerformanceRecord.unit_id == nominee.unit_id
            )
        )
    assert years
    mine = client.get(f"/api/v1/ratings?user={nominee.id}", headers=director).get_json()
    assert sorted(r["year"] for r in mine["items"]) == years
    assert all(r["name"] == nominee.full_name for r in mine["items"])
    one = client.get(f"/api/v1/ratings?user={nominee.id}&year={years[-1]}", headers=director)
    assert [r["year"] for r in one.get_json()["items"]] == [years[-1]]
    unit = client.get(
        f"/api/v1/ratings?unit={nominee.unit_id}&kind=collective&per_page=100", headers=director
    ).get_json()
    assert unit["meta"]["total"] == unit_rows
    assert {r["nominee_kind"] for r in unit["items"]} <= {"collective"}
    paged = client.get("/api/v1/ratings?per_page=2&page=2", headers=director)
    assert len(paged.get_json()["items"]) <= 2
    assert 'rel="first"' in paged.headers["Link"]
    initiatives = client.get(f"/api/v1/initiatives?unit={nominee.unit_id}", headers=director)
    assert initiatives.status_code == 200
    for bad in ("year=abc", "from=2025&to=2020", "kind=bogus", "rating=great", "user=0"):
        response = client.get(f"/api/v1/ratings?{bad}", headers=director)
        assert response.status_code == 400, bad
    for bad in ("level=x", "scope=x", "kind=x", "unit=-1"):
        assert client.get(f"/api/v1/initiatives?{bad}", headers=director).status_code == 400
    clerk = _bearer(session_factory, procedure, "vanthu.qlkh")
    assert client.get("/api/v1/ratings", headers=clerk).status_code == 403
    assert client.get("/api/v1/initiatives", headers=clerk).status_code == 403


def test_an_imported_initiative_reads_back_with_its_authors(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    queued: list[int],
) -> None:
    admin = _bearer(session_factory, procedure, "admin")
    for kind in ("units", "staff", "initiatives"):
        job = _upload(client, admin, kind, partial=True).get_json()
        run_import_job(session_factory, job["id"])
        client.post(f"/api/v1/imports/{job['id']}/apply", headers=admin)
        run_import_job(session_factory, job["id"])
    email, year, scope = AGENCY.initiatives[0]
    with session_factory() as s:
        author = s.scalars(select(User).where(User.email == email)).one()
    found = client.get(
        f"/api/v1/initiatives?user={author.id}&year={year}&scope={scope}", headers=admin
    ).get_json()["items"]
    assert found
    assert all(author.id in [a["user_id"] for a in i["authors"]] for i in found)
    assert all((i["year"], i["scope"]) == (year, scope) for i in found)
