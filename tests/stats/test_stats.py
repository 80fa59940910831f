from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from flask import Flask
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar
from engine.domain.awards import import_awards
from engine.read.stats import (
    award_statistics,
    award_summary,
    campaign_progress,
    dossiers_by_stage_unit,
    dossiers_by_title,
    group_overdue,
    hist_median,
    hist_percentile,
    overdue_count,
    overdue_groups,
    overdue_tasks,
    percentile,
    time_per_step,
    waiting_heat,
)
from tests.common.dossiers import nominate
from tests.common.workflow import at, stage_task
from tests.common.worlds import reporting_world

CAL = WorkingCalendar()
HEADER = "Họ tên / Tên tập thể,Loại,Danh hiệu,Năm\n"


def _history(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


# 2014–2016: 3 LĐTT (individual), 2 CSTĐCS, 1 BKT individual + 2 BKT collective, 1 TTLĐTT.
KNOWN = [
    "Nông Văn Thắng,cá nhân,LDTT,2014",
    "Đàm Thị Lan,cá nhân,LDTT,2014",
    "Nông Văn Thắng,cá nhân,LDTT,2015",
    "Nông Văn Thắng,cá nhân,CSTDCS,2015",
    "Đàm Thị Lan,cá nhân,CSTDCS,2016",
    "Nông Văn Thắng,cá nhân,BKT,2016",
    "Phòng Quản lý Khoa học,tập thể,BKT,2016",
    "Phòng Kế hoạch – Tài chính,tập thể,BKT,2015",
    "Phòng Quản lý Khoa học,tập thể,TTLDTT,2014",
    "Lục Thị Hương,cá nhân,LDTT,2013",
]


def test_award_counts_by_form_year_and_kind_with_totals(db_session: Session) -> None:
    import_awards(db_session, _history(KNOWN), "known.csv")
    stats = award_statistics(db_session, 2014, 2016)
    assert stats.count() == 9, "2013 is outside the period"
    assert stats.count("LDTT") == 3
    assert stats.count("BKT", kind="collective") == 2
    assert stats.count("BKT", 2016) == 2
    headers, body, totals = stats.table()
    assert headers == ["Danh hiệu / hình thức", "Đối tượng", "2014", "2015", "2016", "Cộng"]
    assert body == [
        ["Lao động tiên tiến", "cá nhân", 2, 1, 0, 3],
        ["Chiến sĩ thi đua cơ sở", "cá nhân", 0, 1, 1, 2],
        ["Tập thể lao động tiên tiến", "tập thể", 1, 0, 0, 1],
        ["Bằng khen của Chủ tịch UBND tỉnh", "cá nhân", 0, 0, 1, 1],
        ["Bằng khen của Chủ tịch UBND tỉnh", "tập thể", 0, 1, 1, 2],
    ]
    assert totals == [
        ["Cộng cá nhân", "", 2, 2, 2, 6],
        ["Cộng tập thể", "", 1, 1, 1, 3],
        ["Tổng cộng", "", 3, 3, 3, 9],
    ]


def test_summary_paragraph_in_agency_style(db_session: Session) -> None:
    import_awards(db_session, _history(KNOWN), "known.csv")
    summary = award_summary(award_statistics(db_session, 2014, 2026), today=date(2026, 3, 1))
    assert summary == (
        "Từ năm 2014 đến nay, có 9 lượt tập thể, cá nhân được khen thưởng "
        "(3 lượt tập thể, 6 lượt cá nhân), cụ thể: "
        "danh hiệu “Lao động tiên tiến”: 3 cá nhân; "
        "danh hiệu “Chiến sĩ thi đua cơ sở”: 2 cá nhân; "
        "danh hiệu “Tập thể lao động tiên tiến”: 1 tập thể; "
        "Bằng khen của Chủ tịch UBND tỉnh: 2 tập thể, 1 cá nhân."
    )
    closed = award_summary(award_statistics(db_session, 2014, 2015), today=date(2026, 3, 1))
    assert closed.startswith("Từ năm 2014 đến năm 2015, có 6 lượt")
    empty = award_summary(award_statistics(db_session, 2000, 2001), today=date(2026, 3, 1))
    assert empty == "Từ năm 2000 đến năm 2001, chưa có lượt tập thể, cá nhân nào được khen thưởng."


def test_dossiers_by_stage_unit_title_and_campaign_progress(db_session: Session) -> None:
    agency = reporting_world(db_session)
    nominate(db_session, agency, "cb1", "LDTT", stage="unit_review")
    nominate(db_session, agency, "cb1", "CSTDCS", stage="council")
    nominate(db_session, agency, "cb2", "LDTT", stage="council")
    nominate(db_session, agency, "cb3", "LDTT", stage="archived", status="awarded")
    nominate(db_session, agency, "KHTC", "TTLDTT", stage="archived", status="not_selected")
    grid = dossiers_by_stage_unit(db_session)
    qlkh, khtc = str(agency.units["QLKH"].id), str(agency.units["KHTC"].id)
    assert [code for code, _l in grid.rows] == ["unit_review", "council", "archived"]
    assert grid.count("council", qlkh) == 1
    assert grid.count("council", khtc) == 1
    assert grid.row_total("archived") == 2
    assert grid.column_total(khtc) == 3
    assert grid.total == 5
    assert dossiers_by_title(db_session) == [("LDTT", 3), ("CSTDCS", 1), ("TTLDTT", 1)]
    [progress] = campaign_progress(db_session)
    assert (progress.registered, progress.nominated, progress.decided, progress.awarded) == (
        5,
        4,
        2,
        1,
    )


def test_overdue_by_step_and_person_in_working_days(db_session: Session) -> None:
    agency = reporting_world(db_session)
    dossier = nominate(db_session, agency, "cb1", "LDTT", stage="unit_review")
    other = nominate(db_session, agency, "cb2", "LDTT", stage="completeness")
    # Due Friday 5/12, now Tuesday 9/12: Monday and Tuesday late = 2 working days.
    stage_task(db_session, dossier, "unit_review", at(1), due_at=at(5), candidate_role="unit_head")
    stage_task(
        db_session, other, "completeness", at(1), due_at=at(8), assignee=agency.users["thuky"]
    )
    stage_task(db_session, other, "prepare", at(1), completed_at=at(3), due_at=at(2))
    stage_task(db_session, other, "posting", at(1), due_at=at(20))
    tasks = overdue_tasks(db_session, at(9), CAL)
    assert [(t.nominee_name, t.days_late) for t in tasks] == [
        ("Hoàng Thị Thu Hà", 2),
        ("Lương Đức Cường", 1),
    ]
    by_stage = group_overdue(tasks, "stage")
    assert [(g.label, g.count, g.max_days_late) for g in by_stage] == [
        ("Bình xét tại đơn vị", 1, 2),
        ("Thẩm định", 1, 1),
    ]
    by_person = group_overdue(tasks, "who")
    assert [g.label for g in by_person] == [
        "Trưởng đơn vị – Phòng Quản lý Khoa học",
        "Đàm Thị Lan",
    ]


def test_time_per_step_median_p90_against_limit_for_a_period(db_session: Session) -> None:
    agency = reporting_world(db_session)
    dossier = nominate(db_session, agency, "cb1", "LDTT")
    # unit_review, limit 5 (due_at − created_at): took 1, 2, 3, 4 and 8 working days.
    for finished in (2, 3, 4, 5, 11):
        stage_task(
            db_session, dossier, "unit_review", at(1), completed_at=at(finished), due_at=at(8)
        )
    # completed outside the period: not counted
    stage_task(db_session, dossier, "unit_review", at(1, 11), completed_at=at(28, 11))
    # no due date: limit from the per-stage table
    stage_task(db_session, dossier, "decision", at(1), completed_at=at(2))
    steps = time_per_step(db_session, at(1), at(31), CAL)
    review, decision = steps
    assert (review.stage, review.count, review.median, review.p90) == ("unit_review", 5, 3.0, 8.0)
    assert (review.limit, review.over_limit, review.state) == (5, 1, "soon")
    assert (decision.stage, decision.limit, decision.median) == ("decision", 5, 1.0)


def test_waiting_heat_per_element_includes_open_tasks(db_session: Session) -> None:
    agency = reporting_world(db_session)
    dossier = nominate(db_session, agency, "cb1", "LDTT")
    stage_task(db_session, dossier, "unit_review", at(1), completed_at=at(3))
    stage_task(db_session, dossier, "unit_review", at(1))
    heat = waiting_heat(db_session, at(1), at(31), at(8), CAL)
    assert heat == {"unit_review": 3.5}


def test_percentile_is_nearest_rank() -> None:
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([4], 90) == 4


def test_overdue_groups_in_sql_match_grouping_every_task(db_session: Session) -> None:
    """The dashboard counts overdue groups in SQL (one row per group and due date); the figures
    are those of grouping each task, and a unit's scope keeps only its dossiers' tasks."""
    agency = reporting_world(db_session)
    review = nominate(db_session, agency, "cb1", "LDTT", stage="unit_review")
    other = nominate(db_session, agency, "cb2", "LDTT", stage="completeness")
    for day in (2, 3, 5, 5):
        stage_task(
            db_session, review, "unit_review", at(1), due_at=at(day), candidate_role="unit_head"
        )
    stage_task(
        db_session, other, "completeness", at(1), due_at=at(4), assignee=agency.users["thuky"]
    )
    stage_task(db_session, other, "completeness", at(1), due_at=at(8))
    stage_task(db_session, other, "posting", at(1), due_at=at(20))
    now = at(9)
    tasks = overdue_tasks(db_session, now, CAL)
    assert overdue_count(db_session, now) == len(tasks) == 6
    for by in ("stage", "who"):
        assert overdue_groups(db_session, now, CAL, by) == group_overdue(tasks, by)
    qlkh = {agency.units["QLKH"].id}
    mine = overdue_tasks(db_session, now, CAL, qlkh)
    assert {t.dossier_id for t in mine} == {review.id}
    assert overdue_count(db_session, now, qlkh) == 4
    assert overdue_groups(db_session, now, CAL, "stage", qlkh) == group_overdue(mine, "stage")
    page = overdue_tasks(db_session, now, CAL, limit=2, offset=2)
    assert [t.task_id for t in page] == [t.task_id for t in tasks[2:4]]


def test_histogram_median_and_percentile_equal_the_listed_ones() -> None:
    for values in ([3], [1, 2], [1, 2, 3, 4, 8], [0, 0, 5, 5, 5, 9, 1, 2], list(range(20))):
        hist = Counter(values)
        assert hist_median(hist) == statistics.median(values)
        assert hist_percentile(hist, 90) == percentile(values, 90)


def test_a_units_scope_counts_only_its_dossiers(db_session: Session) -> None:
    agency = reporting_world(db_session)
    mine = nominate(db_session, agency, "cb1", "LDTT", stage="unit_review")
    nominate(db_session, agency, "cb2", "LDTT", stage="completeness")
    stage_task(db_session, mine, "unit_review", at(1), completed_at=at(3), due_at=at(8))
    qlkh = {agency.units["QLKH"].id}
    assert dossiers_by_stage_unit(db_session, units=qlkh).total == 1
    assert dossiers_by_title(db_session, units=qlkh) == [("LDTT", 1)]
    assert [p.registered for p in campaign_progress(db_session, units=qlkh)] == [1]
    assert [s.count for s in time_per_step(db_session, at(1), at(31), CAL, qlkh)] == [1]
    assert time_per_step(db_session, at(1), at(31), CAL, {agency.units["KHTC"].id}) == []
    assert waiting_heat(db_session, at(1), at(31), at(8), CAL, qlkh) == {"unit_review": 2.0}


def test_summary_paragraph_reads_in_english_too(db_session: Session, app: Flask) -> None:
    from web.i18n import translate

    import_awards(db_session, _history(KNOWN), "known.csv")
    summary = award_summary(award_statistics(db_session, 2014, 2026), today=date(2026, 3, 1))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = translate(summary)
    assert english == (
        "From 2014 to date, 9 awards to collectives and individuals (3 to collectives, 6 to "
        "individuals): the “Advanced Worker” title: 3 individual; "
        "the “Grassroots Emulation Fighter” title: 2 individual; "
        "the “Advanced Labour Collective” title: 1 collective; "
        "Certificate of Merit of the Provincial People's Committee Chairman: 2 collective, "
        "1 individual."
    )
