"""The award history the procedure writes when a dossier is awarded (engine.domain.dossiers)."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import events
from engine.models import AwardRecord, Dossier
from tests.common.worlds import World


def _awarded(session: Session, dossier_id: int) -> None:
    events.publish(session, [events.DossierDecided(dossier_id, "awarded")])
    session.commit()


def _awards(session: Session, dossier_id: int) -> list[AwardRecord]:
    return list(
        session.scalars(
            select(AwardRecord)
            .where(AwardRecord.dossier_id == dossier_id)
            .execution_options(populate_existing=True)
        )
    )


def test_an_award_recorded_twice_is_written_once(db_session: Session, world: World) -> None:
    with time_machine.travel(date(2025, 12, 29)):
        _awarded(db_session, world.dossier.id)
        _awarded(db_session, world.dossier.id)
    (award,) = _awards(db_session, world.dossier.id)
    assert (award.nominee_kind, award.nominee_name, award.nominee_search) == (
        "individual",
        "Nguyễn Văn A",
        "nguyen van a",
    )
    assert (award.unit_name, award.unit_search) == ("Phòng A", "phong a")
    assert (award.title_code, award.year, award.source) == ("LDTT", 2025, "workflow")
    # No decision date on the dossier: the day the award was recorded.
    assert (award.decision_no, award.decision_date) == (None, date(2025, 12, 29))
    assert award.issued_by == "Giám đốc Sở Khoa học và Công nghệ"


def test_an_award_names_the_unit_as_it_is_called_when_recorded(
    db_session: Session, world: World
) -> None:
    _awarded(db_session, world.dossier.id)
    world.unit_a.name = "Phòng Quản lý khoa học"
    second = Dossier(
        campaign_id=world.campaign.id,
        unit_id=world.unit_a.id,
        nominee_kind="collective",
        nominee_unit_id=world.unit_a.id,
        nominee_name="Phòng Quản lý khoa học",
        nominee_search="phong quan ly khoa hoc",
        title_code="LDTT",
        legal_basis="ND98_2023",
        year=2025,
        decision_no="12/QĐ-SKHCN",
        decision_date=date(2025, 12, 30),
    )
    db_session.add(second)
    db_session.commit()
    _awarded(db_session, second.id)
    (first,) = _awards(db_session, world.dossier.id)
    (renamed,) = _awards(db_session, second.id)
    assert (first.unit_name, first.unit_search) == ("Phòng A", "phong a")
    assert (renamed.unit_name, renamed.unit_search) == (
        "Phòng Quản lý khoa học",
        "phong quan ly khoa hoc",
    )
    assert (renamed.nominee_kind, renamed.unit_id, renamed.user_id) == (
        "collective",
        world.unit_a.id,
        None,
    )
    assert (renamed.decision_no, renamed.decision_date) == ("12/QĐ-SKHCN", date(2025, 12, 30))
