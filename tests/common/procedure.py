"""The demo agency with the real procedure deployed, driven only through engine operations.

Shared by the procedure scenarios (tests/procedure), the web tests (tests/web) and the benchmark
(bench/engine.py): all run on the real engine, so what a page does is what the procedure does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.demo import load_demo
from engine.domain import council, dossiers
from engine.models import Campaign, CouncilMember, Dossier, HumanTask, User
from engine.unit_of_work import unit_of_work
from engine.workflow import operations
from tests.common import awards

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội, a Tuesday


def deploy_demo(factory: sessionmaker[Session], today: date | None = None) -> int:
    """Load the demo agency as of ``today``, deploy workflows/; return the demo campaign's id."""
    today = today or date.today()
    with unit_of_work(factory) as session:
        load_demo(session, today=today)
    with factory() as session:
        operations.deploy(session, [WORKFLOWS])
    with factory() as session:
        campaign_id = session.scalars(
            select(Campaign.id).where(Campaign.code == f"TDKT-{today.year}")
        ).one()
        session.commit()
    return campaign_id


@dataclass
class Procedure:
    """The demo agency with the procedure deployed; every step goes through an operation."""

    factory: sessionmaker[Session]
    clock: Any
    campaign_id: int

    def user(self, username: str) -> User:
        with self.factory() as session:
            user = session.scalars(select(User).where(User.username == username)).one()
            _ = user.memberships  # loaded now: operations read roles after this session ends
            return user

    def file(self, clerk: str, nominee: str, title: str) -> int:
        actor = self.user(clerk)
        person = self.user(nominee)
        with self.factory() as session:
            dossier = dossiers.file_dossier(
                session,
                actor,
                campaign_id=self.campaign_id,
                title_code=title,
                nominee_user_id=person.id,
                achievements="Hoàn thành xuất sắc nhiệm vụ.",
            )
            return dossier.id

    def make_outstanding(self, username: str) -> None:
        """Rate the person excellent this year with a recognised initiative (CSTĐCS criteria)."""
        with unit_of_work(self.factory) as session:
            person = session.scalars(select(User).where(User.username == username)).one()
            awards.rate(session, person, 2026)

    def give_awards(self, username: str, title: str, years: tuple[int, ...]) -> None:
        """Put awards in the person's history (as an import of old decisions would)."""
        with unit_of_work(self.factory) as session:
            person = session.scalars(select(User).where(User.username == username)).one()
            for year in years:
                awards.award(session, person, title, year)

    def dossier(self, dossier_id: int) -> Dossier:
        with self.factory() as session:
            found = session.get(Dossier, dossier_id)
            assert found is not None
            return found

    def open_task(self, element_id: str, dossier_id: int | None = None) -> HumanTask:
        with self.factory() as session:
            query = select(HumanTask).where(
                HumanTask.element_id == element_id, HumanTask.status == "ready"
            )
            if dossier_id is not None:
                query = query.where(HumanTask.dossier_id == dossier_id)
            rows = session.scalars(query.order_by(HumanTask.id)).all()
            assert len(rows) == 1, f"expected one ready {element_id}, found {len(rows)}"
            return rows[0]

    def ready(self, dossier_id: int) -> list[str]:
        with self.factory() as session:
            return list(
                session.scalars(
                    select(HumanTask.element_id).where(
                        HumanTask.dossier_id == dossier_id, HumanTask.status == "ready"
                    )
                )
            )

    def complete(self, username: str, element_id: str, dossier_id: int | None, **data: Any) -> None:
        task = self.open_task(element_id, dossier_id)
        with self.factory() as session:
            operations.complete(session, task.id, self.user(username), data)

    def prepare(self, dossier_id: int) -> None:
        self.complete(
            "vanthu.qlkh",
            "prepare_dossier",
            dossier_id,
            achievement_report="Báo cáo thành tích năm 2026",
            initiative=None,
            attachments_note=None,
        )

    def unit_review(
        self, dossier_id: int, decision: str = "approve", reason: str | None = None
    ) -> None:
        self.complete(
            "truongphong.qlkh",
            "unit_review",
            dossier_id,
            unit_decision=decision,
            unit_reason=reason,
            unit_minutes_no="05/BB-QLKH",
            unit_meeting_date="2026-11-25",
        )

    def completeness(
        self, dossier_id: int, decision: str = "accept", reason: str | None = None
    ) -> None:
        self.complete(
            "thuky",
            "completeness_check",
            dossier_id,
            completeness_decision=decision,
            completeness_reason=reason,
        )

    def end_posting(self) -> int:
        """Let the posting period pass and run the timer sweep; return how many fired."""
        self.clock.move_to(START + timedelta(days=30))
        return operations.fire_due_timers(self.factory, datetime.now(UTC))

    def to_council(self, dossier_id: int) -> None:
        self.prepare(dossier_id)
        self.unit_review(dossier_id)
        self.completeness(dossier_id)

    def members(self) -> list[User]:
        with self.factory() as session:
            ids = list(session.scalars(select(CouncilMember.user_id).order_by(CouncilMember.id)))
        with self.factory() as session:
            users = [session.get(User, i) for i in ids]
            for u in users:
                assert u is not None
                _ = u.memberships
            return users  # type: ignore[return-value]

    def open_sitting(self, dossier_ids: list[int], absent: tuple[str, ...] = ()) -> int:
        """Open a council session over the dossiers and fill its ``open_session`` task; members
        named in ``absent`` get written-ballot tasks for the secretariat instead of ballots."""
        with self.factory() as session:
            sitting = council.open_session(
                session, self.user("thuky"), self.campaign_id, date(2026, 12, 28), dossier_ids
            )
            session_id = sitting.id
        absent_ids = [self.user(name).id for name in absent]
        self.complete(
            "thuky",
            "open_session",
            None,
            meeting_place="Phòng họp Sở",
            chair_name="Nông Văn Thắng",
            absent_member_ids=absent_ids,
        )
        return session_id

    def ballot_of(self, username: str, *, written: bool = False) -> int:
        """Return the id of the member's open ballot task (their written ballot if ``written``)."""
        member = self.user(username)
        element, whose = (
            ("enter_written_ballot", HumanTask.subject_user_id)
            if written
            else ("cast_ballot", HumanTask.assignee_id)
        )
        with self.factory() as session:
            return session.scalars(
                select(HumanTask.id).where(
                    HumanTask.element_id == element,
                    whose == member.id,
                    HumanTask.status == "ready",
                )
            ).one()

    def hold_session(self, votes: dict[int, list[str]], absent: int = 0) -> int:
        """Open a session over ``votes``' dossiers; member i votes votes[dossier][i]."""
        members = self.members()
        away = tuple(m.username for m in members[len(members) - absent :]) if absent else ()
        session_id = self.open_sitting(list(votes), away)
        absent_ids = [m.id for m in members if m.username in away]
        for index, member in enumerate(members):
            with self.factory() as session:
                # The sheet does not offer a member's own dossier (a conflict of interest).
                own = council.recused_dossiers(session, list(votes), member.id)
            ballot = {
                str(d): choices[index]
                for d, choices in votes.items()
                if index < len(choices) and d not in own
            }
            written = member.id in absent_ids
            actor = self.user("thuky") if written else member
            field = "written_ballot" if written else "ballot"
            with self.factory() as session:
                task_id = self.ballot_of(member.username, written=written)
                operations.complete(session, task_id, actor, {field: ballot})
        return session_id


@contextmanager
def deployed(session_factory: sessionmaker[Session], *, tick: bool = False) -> Iterator[Procedure]:
    """Yield the demo agency at START with the procedure deployed; the clock stands still unless
    ``tick`` (a browser test needs time to pass for its own timeouts)."""
    with time_machine.travel(START, tick=tick) as clock:
        campaign_id = deploy_demo(session_factory, START.date())
        yield Procedure(session_factory, clock, campaign_id)
