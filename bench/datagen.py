"""Load a database with many dossiers fast, writing exactly what the engine's operations write.

Filing through ``file_dossier`` and completing the first steps through ``operations.complete``
costs tens of milliseconds a dossier: 100,000 dossiers would take an hour on two cores. So the
generator files a few *template* dossiers through the real operations (one per unit and stage:
prepare, unit_review, completeness, posting) and then *clones* each template's rows — the dossier,
its process instance (the serialized workflow), its human tasks, audit events and notifications —
for new nominees, in bulk INSERTs. A clone is what the operations would have written for that
nominee: ids, task UUIDs, the nominee's name and the campaign are substituted, every other value
is copied. ``tests/bench/test_datagen.py`` files the same nominee both ways and proves the rows
equal (modulo surrogate ids and UUIDs), and that a cloned task completes like a filed one.

A clone may be shifted back by whole weeks (``shift_weeks``): its tasks' created/due/completed
times, reminders, audit and notification times move together, so the inboxes see overdue,
due-soon and later tasks, and the dashboard finished steps of different ages. The serialized
workflow is copied unchanged (its timers keep the template's dates).

    .venv/bin/python bench/datagen.py 10000      # TDKT_DATABASE_URL: the schema is rebuilt
"""

# ruff: noqa: E402 - the path fix below must run before the engine imports

from __future__ import annotations

import os
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

import bench
from engine.domain import dossiers as dossier_domain
from engine.models import (
    AuditEvent,
    Campaign,
    Dossier,
    HumanTask,
    Notification,
    PerformanceRecord,
    ProcessInstance,
    User,
)
from engine.models.base import Base
from engine.text import search_key
from engine.workflow import operations

#: The stages a template is driven to, and the steps (element, actor, data) that get it there.
STEPS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "prepare_dossier",
        "unit_clerk",
        {
            "achievement_report": "Hoàn thành 100% kế hoạch năm; chủ trì 02 nhiệm vụ KH&CN.",
            "initiative": None,
            "attachments_note": "Báo cáo thành tích; biên bản họp đơn vị.",
        },
    ),
    (
        "unit_review",
        "unit_head",
        {
            "unit_decision": "approve",
            "unit_reason": None,
            "unit_minutes_no": "01/BB-ĐV",
            "unit_meeting_date": None,
        },
    ),
    (
        "completeness_check",
        "secretariat",
        {"completeness_decision": "accept", "completeness_reason": None},
    ),
)
STAGES = ("prepare", "unit_review", "completeness", "posting")
#: How the generated dossiers spread over the stages (the secretariat holds about half).
STAGE_WEIGHTS = {"prepare": 2, "unit_review": 2, "completeness": 5, "posting": 1}
ACHIEVEMENTS = "Hoàn thành xuất sắc nhiệm vụ; tích cực tham gia phong trào."
TITLE = "LDTT"
DOSSIER_KEY = '"dossier_id"'
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Template:
    """The rows the operations wrote for one filed (and advanced) dossier."""

    stage: str
    unit_id: int
    nominee_name: str
    dossier: dict[str, Any]
    instances: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    audits: list[dict[str, Any]]
    notes: list[dict[str, Any]]


@dataclass
class Nominee:
    user_id: int
    name: str
    position: str | None


@dataclass
class Ids:
    """The next free id of each table (the generator owns the database while it runs)."""

    next: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, conn: Connection, tables: Sequence[Table]) -> Ids:
        return cls({t.name: (conn.scalar(select(func.max(t.c.id))) or 0) + 1 for t in tables})

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _rows(session: Session, model: Any, *where: Any) -> list[dict[str, Any]]:
    table: Table = model.__table__
    return [
        dict(r._mapping) for r in session.execute(select(table).where(*where).order_by(table.c.id))
    ]


def capture(session: Session, dossier_id: int, stage: str) -> Template:
    """Read back every row the operations wrote for ``dossier_id``."""
    dossier = _rows(session, Dossier, Dossier.id == dossier_id)[0]
    instances = _rows(session, ProcessInstance, ProcessInstance.dossier_id == dossier_id)
    instance_ids = [i["id"] for i in instances]
    return Template(
        stage=stage,
        unit_id=dossier["unit_id"],
        nominee_name=dossier["nominee_name"],
        dossier=dossier,
        instances=instances,
        tasks=_rows(session, HumanTask, HumanTask.instance_id.in_(instance_ids)),
        audits=_rows(
            session,
            AuditEvent,
            (AuditEvent.dossier_id == dossier_id) | AuditEvent.instance_id.in_(instance_ids),
        ),
        notes=_rows(session, Notification, Notification.dossier_id == dossier_id),
    )


class Cloner:
    """Turns a template into the rows of the same dossier filed for another nominee."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids
        self.buffers: dict[str, list[dict[str, Any]]] = {
            "dossier": [],
            "process_instance": [],
            "human_task": [],
            "audit_event": [],
            "notification": [],
        }

    def clone(self, t: Template, nominee: Nominee, campaign_id: int, shift_weeks: int = 0) -> int:
        shift = timedelta(weeks=shift_weeks)
        old_id = t.dossier["id"]
        new_id = self.ids.take("dossier")
        instance_ids = {i["id"]: self.ids.take("process_instance") for i in t.instances}
        task_ids = {r["id"]: self.ids.take("human_task") for r in t.tasks}
        uuids: dict[str, str] = {}

        def new_uuid(match: re.Match[str]) -> str:
            return uuids.setdefault(match[0], _uuid())

        def moved(value: Any) -> Any:
            return value - shift if value is not None and shift else value

        def named(value: str) -> str:
            return value.replace(t.nominee_name, nominee.name)

        dossier_ref = re.compile(rf"(#|/dossiers/){old_id}\b")
        task_ref = re.compile(r"/tasks/(\d+)\b")

        def noted(value: str) -> str:
            """A notice's text names its dossier (#id, a link) and its task's link."""
            value = dossier_ref.sub(lambda m: f"{m[1]}{new_id}", named(value))
            return task_ref.sub(lambda m: f"/tasks/{task_ids.get(int(m[1]), int(m[1]))}", value)

        d = dict(t.dossier)
        d.update(
            id=new_id,
            campaign_id=campaign_id,
            nominee_user_id=nominee.user_id,
            nominee_name=nominee.name,
            nominee_search=search_key(nominee.name),
            nominee_position=nominee.position,
            created_at=moved(d["created_at"]),
            updated_at=moved(d["updated_at"]),
        )
        self.buffers["dossier"].append(d)
        ids_in_state = re.compile(
            rf'"dossier_id": {old_id}\b|"campaign_id": {t.dossier["campaign_id"]}\b'
        )

        def state_id(match: re.Match[str]) -> str:
            key = match[0].split(":")[0]
            value = new_id if key == DOSSIER_KEY else campaign_id
            return f"{key}: {value}"

        for row in t.instances:
            r = dict(row)
            r.update(
                id=instance_ids[row["id"]],
                dossier_id=new_id,
                state=ids_in_state.sub(state_id, UUID.sub(new_uuid, row["state"])),
                created_at=moved(row["created_at"]),
                updated_at=moved(row["updated_at"]),
                completed_at=moved(row["completed_at"]),
            )
            self.buffers["process_instance"].append(r)
        for row in t.tasks:
            r = dict(row)
            r.update(
                id=task_ids[row["id"]],
                task_uuid=UUID.sub(new_uuid, row["task_uuid"]),
                instance_id=instance_ids[row["instance_id"]],
                dossier_id=new_id,
                created_at=moved(row["created_at"]),
                due_at=moved(row["due_at"]),
                next_reminder_at=moved(row["next_reminder_at"]),
                completed_at=moved(row["completed_at"]),
            )
            self.buffers["human_task"].append(r)
        for row in t.audits:
            r = dict(row)
            summary = {k: named(v) if isinstance(v, str) else v for k, v in row["summary"].items()}
            r.update(
                id=self.ids.take("audit_event"),
                at=moved(row["at"]),
                instance_id=instance_ids.get(row["instance_id"], row["instance_id"]),
                dossier_id=new_id if row["dossier_id"] == old_id else row["dossier_id"],
                task_id=task_ids.get(row["task_id"], row["task_id"]),
                summary=summary,
            )
            self.buffers["audit_event"].append(r)
        for row in t.notes:
            r = dict(row)
            task_id = task_ids.get(row["task_id"], row["task_id"])
            r.update(
                id=self.ids.take("notification"),
                subject=noted(row["subject"]),
                body=noted(row["body"]),
                link=re.sub(r"/tasks/\d+$", f"/tasks/{task_id}", row["link"]),
                task_id=task_id,
                dossier_id=new_id,
                created_at=moved(row["created_at"]),
                read_at=moved(row["read_at"]),
            )
            self.buffers["notification"].append(r)
        return new_id

    def flush(self, conn: Connection) -> None:
        """Write the buffered rows, parents first."""
        for name, rows in self.buffers.items():
            if rows:
                conn.execute(insert(Base.metadata.tables[name]), rows)
                rows.clear()


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def fix_sequences(conn: Connection) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    for name in (
        "dossier",
        "process_instance",
        "human_task",
        "audit_event",
        "notification",
        "app_user",
        "performance_record",
        "campaign",
    ):
        conn.execute(
            text(
                # The table names are the constant tuple above.
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"GREATEST((SELECT max(id) FROM {name}), 1))"
            )
        )


# --- the agency: templates, nominees, campaigns -------------------------------------------------


def _users(session: Session) -> dict[str, User]:
    users = {u.username: u for u in session.scalars(select(User))}
    for user in users.values():
        _ = list(user.memberships)
    return users


def _holder(users: dict[str, User], role: str, unit_id: int | None) -> User:
    return next(
        u
        for u in sorted(users.values(), key=lambda u: u.id)
        if u.active and u.has_role(role, unit_id if role.startswith("unit_") else None)
    )


def drive(
    factory: sessionmaker[Session],
    users: dict[str, User],
    campaign_id: int,
    nominee_id: int,
    stage: str,
) -> int:
    """File a dossier for ``nominee_id`` through the operations and advance it to ``stage``."""
    return advance(factory, actors(users, nominee_id, stage), campaign_id, nominee_id, stage)


def actors(users: dict[str, User], nominee_id: int, stage: str) -> list[User]:
    """Return who files the nominee's dossier and who completes each step up to ``stage``.

    A scan of every user: the benchmark's own look-up, which grows with the data (every
    generated nominee is a user), so ``bench/scale.py`` does it outside the timed filing.
    """
    nominee = users_by_id(users)[nominee_id]
    roles = ["unit_clerk"] + [role for _, role, _ in STEPS[: STAGES.index(stage)]]
    return [_holder(users, role, nominee.unit_id) for role in roles]


def advance(
    factory: sessionmaker[Session],
    people: Sequence[User],
    campaign_id: int,
    nominee_id: int,
    stage: str,
) -> int:
    """File with ``people[0]`` and complete each step up to ``stage`` with the next ones: the
    operations only (what a filing costs the application)."""
    with factory() as session:
        dossier_id = dossier_domain.file_dossier(
            session,
            people[0],
            campaign_id=campaign_id,
            title_code=TITLE,
            nominee_user_id=nominee_id,
            achievements=ACHIEVEMENTS,
        ).id
    for (element, _, data), actor in zip(STEPS[: STAGES.index(stage)], people[1:], strict=True):
        with factory() as session:
            task_id = session.scalars(
                select(HumanTask.id).where(
                    HumanTask.dossier_id == dossier_id,
                    HumanTask.element_id == element,
                    HumanTask.status == "ready",
                )
            ).one()
        with factory() as session:
            operations.complete(session, task_id, actor, dict(data))
    return dossier_id


def users_by_id(users: dict[str, User]) -> dict[int, User]:
    return {u.id: u for u in users.values()}


def add_nominees(
    conn: Connection, ids: Ids, unit_id: int, count: int, like_user_id: int, tag: str
) -> list[Nominee]:
    """Add ``count`` staff to a unit with the same performance records as ``like_user_id``."""
    perf = [
        dict(r._mapping)
        for r in conn.execute(
            select(PerformanceRecord.__table__).where(PerformanceRecord.user_id == like_user_id)
        )
    ]
    users, records, result = [], [], []
    rng = random.Random(f"{tag}-{unit_id}")
    for n in range(count):
        user_id = ids.take("app_user")
        name = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)} {tag}{n}"
        users.append(
            {
                "id": user_id,
                "username": f"bench-{tag}-{unit_id}-{n}",
                "full_name": name,
                "email": f"bench-{tag}-{unit_id}-{n}@example.vn",
                "position": "Chuyên viên",
                "unit_id": unit_id,
                "active": True,
                "password_hash": None,
                "email_mode": "immediate",
            }
        )
        for p in perf:
            records.append({**p, "id": ids.take("performance_record"), "user_id": user_id})
        result.append(Nominee(user_id, name, "Chuyên viên"))
    conn.execute(insert(Base.metadata.tables["app_user"]), users)
    if records:
        conn.execute(insert(Base.metadata.tables["performance_record"]), records)
    return result


_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
_MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Hồng")
_GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Thảo", "Tuấn")


def add_campaigns(conn: Connection, ids: Ids, like_id: int, count: int) -> list[int]:
    """Add ``count`` copies of the demo campaign (same year and titles, other codes)."""
    base = dict(
        conn.execute(select(Campaign.__table__).where(Campaign.id == like_id)).one()._mapping
    )
    rows = []
    for n in range(count):
        rows.append(
            {
                **base,
                "id": ids.take("campaign"),
                "code": f"{base['code']}-B{n}",
                "name": f"{base['name']} (bench {n + 1})",
            }
        )
    if rows:
        conn.execute(insert(Base.metadata.tables["campaign"]), rows)
    return [r["id"] for r in rows]


@dataclass
class Loaded:
    dossiers: int
    seconds: float
    templates: int


def load(
    engine: Engine,
    factory: sessionmaker[Session],
    dossiers: int,
    *,
    campaign_id: int,
    per_campaign: int = 20_000,
    batch: int = 1000,
    max_shift_weeks: int = 8,
    progress: bool = True,
) -> Loaded:
    """Add ``dossiers`` dossiers to a database holding the demo agency with the procedure
    deployed (tests.common.procedure.deploy_demo): templates through the operations, the rest
    cloned from them."""
    started = time.perf_counter()
    with factory() as session:
        users = _users(session)
        units = sorted(
            {
                m.unit_id
                for u in users.values()
                for m in u.memberships
                if m.role_code == "unit_clerk" and m.unit_id is not None
            }
        )
        staff = {
            unit: [u for u in users.values() if u.unit_id == unit and u.active] for unit in units
        }
    tables = [
        Base.metadata.tables[n]
        for n in (
            "dossier",
            "process_instance",
            "human_task",
            "audit_event",
            "notification",
            "app_user",
            "performance_record",
            "campaign",
        )
    ]
    # Template nominees: new staff like the demo's eligible LĐTT nominee of each unit.
    like = {unit: _eligible_like(factory, staff[unit]) for unit in units}
    with engine.begin() as conn:
        ids = Ids.of(conn, tables)
        template_people = {
            unit: add_nominees(conn, ids, unit, len(STAGES), like[unit], "t") for unit in units
        }
        fix_sequences(conn)
    with factory() as session:
        users = _users(session)
    templates: list[Template] = []
    for unit in units:
        for stage, person in zip(STAGES, template_people[unit], strict=True):
            dossier_id = drive(factory, users, campaign_id, person.user_id, stage)
            with factory() as session:
                templates.append(capture(session, dossier_id, stage))
    by_unit_stage = {(t.unit_id, t.stage): t for t in templates}
    remaining = max(0, dossiers - len(templates))
    campaigns_needed = max(1, -(-remaining // per_campaign))
    rng = random.Random(20)
    stages = [s for s, w in STAGE_WEIGHTS.items() for _ in range(w)]
    with engine.begin() as conn:
        ids = Ids.of(conn, tables)
        campaign_ids = [campaign_id, *add_campaigns(conn, ids, campaign_id, campaigns_needed - 1)]
        per_unit = -(-min(remaining, per_campaign) // len(units))
        nominees = {
            unit: add_nominees(conn, ids, unit, per_unit, like[unit], "n") for unit in units
        }
        fix_sequences(conn)
    cloner = Cloner(ids)
    done = 0
    slots = _slots(units, campaign_ids, per_unit)
    with engine.begin() as conn:
        for unit, camp, n in slots:
            if done >= remaining:
                break
            stage = rng.choice(stages)
            cloner.clone(
                by_unit_stage[(unit, stage)],
                nominees[unit][n],
                camp,
                shift_weeks=rng.randint(0, max_shift_weeks),
            )
            done += 1
            if done % batch == 0:
                cloner.flush(conn)
                if progress and done % (batch * 10) == 0:
                    rate = done / (time.perf_counter() - started)
                    print(f"   {done:,} dossiers cloned ({rate:,.0f}/s)", flush=True)
        cloner.flush(conn)
        fix_sequences(conn)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return Loaded(len(templates) + done, time.perf_counter() - started, len(templates))


def _slots(units: list[int], campaigns: list[int], per_unit: int) -> Iterator[tuple[int, int, int]]:
    for camp in campaigns:
        for n in range(per_unit):
            for unit in units:
                yield unit, camp, n


def _eligible_like(factory: sessionmaker[Session], staff: list[User]) -> int:
    """The staff member whose records the generated nominees copy: one with a performance
    record (the demo's history rates most staff), else the first."""
    with factory() as session:
        for user in sorted(staff, key=lambda u: u.id):
            if session.scalar(
                select(func.count())
                .select_from(PerformanceRecord)
                .where(PerformanceRecord.user_id == user.id)
            ):
                return user.id
    return staff[0].id


def main() -> None:
    from engine.migrate import upgrade
    from engine.runtime import build_runtime
    from tests.common.procedure import deploy_demo

    url = os.environ.get("TDKT_DATABASE_URL")
    if not url:
        print("bench/datagen.py: set TDKT_DATABASE_URL to a scratch PostgreSQL database.")
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runtime = build_runtime(bench.settings(database_url=url))
    with runtime.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(runtime.engine)
    campaign_id = deploy_demo(runtime.session_factory)
    loaded = load(runtime.engine, runtime.session_factory, count, campaign_id=campaign_id)
    print(
        f"loaded {loaded.dossiers:,} dossiers ({loaded.templates} through the operations) "
        f"in {loaded.seconds:.0f} s"
    )


if __name__ == "__main__":
    main()
