"""A dossier from filing to award through the API alone (plus the timer sweep under controlled
time): every reviewer with their own token, a council session with one member absent voting in
writing, the webhooks received on a local HTTP server with each signature verified (submitted,
overdue under the reminder sweep, the council session closed with its counts)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.tokens import create_token
from engine.notify import webhooks
from engine.notify.reminders import run_reminder_sweep
from engine.unit_of_work import unit_of_work
from tests.common.procedure import START, Procedure
from tests.web.test_webhooks import Received, receiver, verify

__all__ = ["receiver"]  # the fixture, used by name


class Caller:
    """One person's token and the calls they make."""

    def __init__(
        self,
        client: FlaskClient,
        factory: sessionmaker[Session],
        procedure: Procedure,
        username: str,
    ) -> None:
        with unit_of_work(factory) as s:
            self.token = create_token(s, s.merge(procedure.user(username)))
        self.client = client

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, status: int = 200
    ) -> Any:
        response = self.client.open(
            "/api/v1" + path,
            method=method,
            json=body,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": str(uuid.uuid4()),
            }
            if method == "POST"
            else {"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == status, (path, response.get_data(as_text=True))
        return response.get_json()

    def task(self, element_id: str, dossier_id: int | None = None) -> int:
        """Return the id of my (or my groups') open task at ``element_id``."""
        for box in ("mine", "group"):
            for item in self.call("GET", f"/tasks/{box}?per_page=100")["items"]:
                dossier = item["dossier"]
                if item["element_id"] == element_id and (
                    dossier_id is None or (dossier and dossier["id"] == dossier_id)
                ):
                    return int(item["id"])
        raise AssertionError(f"no open {element_id}")

    def complete(self, element_id: str, dossier_id: int | None, **data: Any) -> Any:
        return self.call(
            "POST", f"/tasks/{self.task(element_id, dossier_id)}/complete", {"data": data}
        )


def test_a_dossier_goes_from_filing_to_award_through_the_api(
    client: FlaskClient,
    procedure: Procedure,
    session_factory: sessionmaker[Session],
    receiver: tuple[str, Received],
) -> None:
    url, received = receiver

    def person(username: str) -> Caller:
        return Caller(client, session_factory, procedure, username)

    admin = person("admin")
    hook = admin.call(
        "POST",
        "/admin/webhooks",
        {
            "url": url,
            "event_types": [
                "task.created",
                "task.completed",
                "task.overdue",
                "dossier.submitted",
                "dossier.decided",
                "dossier.awarded",
                "council_session.closed",
            ],
        },
        status=201,
    )
    clerk, head, secretariat, director = (
        person(u) for u in ("vanthu.qlkh", "truongphong.qlkh", "thuky", "giamdoc")
    )
    nominee = procedure.user("cb004")
    filed = clerk.call(
        "POST",
        "/dossiers",
        {"campaign_id": procedure.campaign_id, "title_code": "LDTT", "nominee_user_id": nominee.id},
        status=201,
    )
    d = filed["id"]
    clerk.complete("prepare_dossier", d, achievement_report="Báo cáo thành tích năm 2026")
    head.complete("unit_review", d, unit_decision="approve", unit_minutes_no="05/BB-QLKH")
    secretariat.complete("completeness_check", d, completeness_decision="accept")
    assert clerk.call("GET", f"/dossiers/{d}")["stage"] == "posting"
    assert procedure.end_posting() == 1  # the timer sweep, the posting period over
    assert clerk.call("GET", f"/dossiers/{d}")["stage"] == "council"

    members = procedure.members()
    absent = members[-1]
    sitting = secretariat.call(
        "POST",
        "/council-sessions",
        {"campaign_id": procedure.campaign_id, "meeting_date": "2026-12-28", "dossier_ids": [d]},
        status=201,
    )
    assert [s["element_id"] for s in sitting["open_steps"]] == ["open_session"]
    secretariat.call(
        "POST",
        f"/tasks/{sitting['open_steps'][0]['task_id']}/complete",
        {
            "data": {
                "meeting_place": "Phòng họp Sở",
                "chair_name": "Nông Văn Thắng",
                "absent_member_ids": [absent.id],
            }
        },
    )
    for member in members[:-1]:
        voter = person(member.username)
        receipt = voter.call(
            "POST", f"/ballots/{voter.task('cast_ballot')}", {"votes": {str(d): "agree"}}
        )
        assert receipt["submitted"] is True
    written = secretariat.task("enter_written_ballot")
    secretariat.call("POST", f"/ballots/{written}", {"votes": {str(d): "agree"}})

    result = secretariat.call("GET", f"/council-sessions/{sitting['id']}")["results"]
    assert result == [
        {
            "dossier_id": d,
            "nominee_name": nominee.full_name,
            "title_code": "LDTT",
            "selected": True,
            "agree": len(members),
            "disagree": 0,
            "members": len(members),
        }
    ]
    # The director's decision waits past its due date: the reminder sweep (under controlled
    # time) tells the integrator once, however many sweeps follow.
    signing = director.task("director_decision", d)
    for days in (44, 45, 50):
        run_reminder_sweep(session_factory, START + timedelta(days=days))
    director.complete(
        "director_decision", d, decision_no="120/QĐ-SKHCN", decision_date="2026-12-30"
    )
    done = clerk.call("GET", f"/dossiers/{d}")
    assert (done["status"], done["stage"], done["decision_no"]) == (
        "awarded",
        "archived",
        "120/QĐ-SKHCN",
    )
    awards = director.call("GET", f"/awards?q={nominee.full_name}")["items"]
    assert ("LDTT", 2026, "120/QĐ-SKHCN") in [
        (a["title_code"], a["year"], a["decision_no"]) for a in awards
    ]

    webhooks.deliver_due(session_factory, datetime.now(UTC))
    bodies = [json.loads(b) for _h, b in received]
    for headers, body in received:
        assert verify(hook["secret"], headers, body)
        assert "vote" not in body.decode()
    assert [b["data"]["outcome"] for b in bodies if b["type"] == "dossier.awarded"] == ["awarded"]
    completed = [b["data"]["element_id"] for b in bodies if b["type"] == "task.completed"]
    assert {"prepare_dossier", "unit_review", "completeness_check", "director_decision"} <= set(
        completed
    )
    # Sent up by the unit head's approval (not the clerk's preparing step), once.
    (submitted,) = [b["data"] for b in bodies if b["type"] == "dossier.submitted"]
    assert (submitted["dossier_id"], submitted["stage"]) == (d, "completeness")
    assert submitted["submitted_by"] == procedure.user("truongphong.qlkh").id
    (overdue,) = [b["data"] for b in bodies if b["type"] == "task.overdue"]
    assert (overdue["task_id"], overdue["element_id"]) == (signing, "director_decision")
    (closed,) = [b["data"] for b in bodies if b["type"] == "council_session.closed"]
    assert closed["council_session_id"] == sitting["id"]
    assert (closed["members"], closed["participants"]) == (len(members), len(members))
    assert [
        (r["dossier_id"], r["agree"], r["disagree"], r["selected"]) for r in closed["results"]
    ] == [(d, len(members), 0, True)]
