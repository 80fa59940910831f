"""Files as Camunda Modeler, spiff-arena and bpmn.io save them: deploy, start and run to the end
through the task inbox; every unused setting warned about, every construct outside the subset
refused with file and element id (docs/process-design.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy.orm import Session

from engine.errors import DeployError, Forbidden, ValidationFailed
from engine.models import HumanTask, ProcessGroupRole, ProcessInstance, User
from engine.models.base import utcnow
from engine.read import queries
from engine.unit_of_work import unit_of_work
from engine.workflow import juel, operations, spiff, stepping
from tests.common import people
from tests.engine.conftest import factory_of

EXAMPLES = Path(__file__).parents[2] / "workflows" / "examples"
CAMUNDA = EXAMPLES / "camunda7_giay_khen.bpmn"
SPIFF = EXAMPLES / "spiff_arena_de_xuat.bpmn"
SPIFF_FILES = [SPIFF, *sorted(EXAMPLES.glob("*.json"))]
BPMN_IO = EXAMPLES / "bpmn_io_to_trinh.bpmn"
CAMUNDA_XML = CAMUNDA.read_text()


def _inbox(session: Session, user: User, box: queries.Box = "group") -> list[HumanTask]:
    filters = queries.ListFilters.from_args({}, list(queries.TASK_SORTS))
    return [row.task for row in queries.inbox(session, user, box, filters).items]


def _do(
    session: Session, user: User, data: dict[str, object], box: queries.Box = "group"
) -> HumanTask:
    """Take the user's one task from the inbox and complete it with ``data``."""
    (task,) = _inbox(session, user, box)
    operations.complete(session, task.id, user, data)
    return task


def _ended_at(session: Session, instance: ProcessInstance) -> set[str]:
    session.refresh(instance)
    assert instance.status == "completed"
    return spiff.completed_element_ids(stepping.load(session, instance).workflow)


def _map(session: Session, process_id: str, **names: str) -> None:
    with unit_of_work(session):
        for name, role in names.items():
            session.add(ProcessGroupRole(process_id=process_id, group_name=name, role_code=role))


@pytest.fixture
def staff(db_session: Session) -> dict[str, User]:
    unit = people.unit(db_session)
    found = {
        "clerk": people.user(db_session, "vanthu", unit=unit, roles=["unit_clerk"]),
        "head": people.user(db_session, "truongdv", unit=unit, roles=["unit_head"]),
        "secretariat": people.user(db_session, "thuongtruc", unit=unit, roles=["secretariat"]),
        "admin": people.user(db_session, "quantri", roles=["admin"]),
    }
    other = people.unit(db_session)
    found["other_head"] = people.user(db_session, "truongkhac", unit=other, roles=["unit_head"])
    db_session.commit()
    return found


# --- Camunda 7 ------------------------------------------------------------------------------


def test_camunda_file_runs_as_saved_through_the_inbox(
    db_session: Session, staff: dict[str, User]
) -> None:
    (spec,) = operations.deploy(db_session, [CAMUNDA])
    warnings = spec.design["warnings"] if spec.design else []
    assert [(w["element"], w["message"]) for w in warnings] == [
        (
            "de_nghi_giay_khen",
            "attribute camunda:historyTimeToLive='180' is not used by this engine",
        )
    ]
    clerk, head = staff["clerk"], staff["head"]
    (listed,) = operations.startable(db_session, clerk)
    assert listed.process_id == "de_nghi_giay_khen"
    assert [f["name"] for f in listed.form] == [
        "ho_ten",
        "so_nam_cong_tac",
        "hinh_thuc",
        "ngay_de_nghi",
        "can_cu",
    ]
    assert operations.startable(db_session, head) == []
    with pytest.raises(Forbidden):
        operations.start_with_form(db_session, "de_nghi_giay_khen", head, {"ho_ten": "Ai"})
    with pytest.raises(ValidationFailed) as refused:
        operations.start_with_form(
            db_session, "de_nghi_giay_khen", clerk, {"ho_ten": "An", "so_nam_cong_tac": "46"}
        )
    assert set(refused.value.field_errors) == {"ho_ten", "so_nam_cong_tac"}
    assert "ít nhất 3" in refused.value.field_errors["ho_ten"]
    assert "lớn hơn 45" in refused.value.field_errors["so_nam_cong_tac"]

    before = utcnow()
    instance = operations.start_with_form(
        db_session,
        "de_nghi_giay_khen",
        clerk,
        {"ho_ten": "Nguyễn Thị Lan", "so_nam_cong_tac": "1", "hinh_thuc": "giay_khen"},
    )
    # candidateGroups="unit_head" is scoped to the starter's unit; dueDate="P3D" from now.
    assert _inbox(db_session, staff["other_head"]) == []
    (review,) = _inbox(db_session, head)
    assert (review.candidate_role, review.candidate_unit_id) == ("unit_head", clerk.unit_id)
    assert review.due_at is not None
    assert timedelta(days=3) <= review.due_at - before <= timedelta(days=3, minutes=1)
    assert {f["name"]: f.get("maxLength") for f in review.form} == {
        "approved": None,
        "nhan_xet": 500,
    }
    # ${!approved}: back to the starter (assignee="${nguoi_de_nghi}", camunda:initiator).
    _do(db_session, head, {"approved": False, "nhan_xet": "Bổ sung số năm công tác"})
    fix = _do(db_session, clerk, {"so_nam_cong_tac": "3"}, box="mine")
    assert fix.assignee_id == clerk.id
    _do(db_session, head, {"approved": True})
    # ${approved && so_nam_cong_tac >= 2}
    _do(db_session, staff["secretariat"], {"approved": True, "so_quyet_dinh": "12/QĐ-SNV"})
    ended = _ended_at(db_session, instance)
    assert "Event_1b8n9m0" in ended
    assert "Event_0x3c4v5" not in ended


def test_camunda_bare_iso_timer_is_checked_and_fires(
    db_session: Session, staff: dict[str, User]
) -> None:
    operations.deploy(db_session, [CAMUNDA])
    instance = operations.start_with_form(
        db_session,
        "de_nghi_giay_khen",
        staff["clerk"],
        {"ho_ten": "Lê Văn Cường", "so_nam_cong_tac": "2"},
    )
    started = utcnow()
    assert instance.next_timer_at is not None
    # timeDuration "PT5M" as Camunda Modeler writes it (no quotes): five minutes after start.
    due = instance.next_timer_at.replace(tzinfo=started.tzinfo) - started
    assert timedelta(minutes=4) < due <= timedelta(minutes=5)
    later = started + timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        assert operations.fire_due_timers(factory_of(db_session), later) == 1
    db_session.expire_all()
    reloaded = db_session.get(ProcessInstance, instance.id)
    assert reloaded is not None
    workflow = stepping.load(db_session, reloaded).workflow
    assert "Event_0n9m8b7" in spiff.completed_element_ids(workflow)
    assert len(_inbox(db_session, staff["head"])) == 1  # non-interrupting: the review stays


def test_camunda_readonly_field_is_shown_not_taken(
    db_session: Session, staff: dict[str, User]
) -> None:
    operations.deploy(db_session, [CAMUNDA])
    instance = operations.start_with_form(
        db_session,
        "de_nghi_giay_khen",
        staff["clerk"],
        {"ho_ten": "Trần Văn Bình", "so_nam_cong_tac": "5", "can_cu": "tự sửa"},
    )
    data = spiff.workflow_data(stepping.load(db_session, instance).workflow)
    assert data["can_cu"] == "Luật Thi đua, khen thưởng 2022"
    assert data["nguoi_de_nghi"] == "vanthu"


# --- spiff-arena -----------------------------------------------------------------------------


def test_spiff_arena_lanes_must_be_mapped_then_json_schema_forms_run(
    db_session: Session, staff: dict[str, User]
) -> None:
    with pytest.raises(DeployError) as refused:
        operations.deploy(db_session, SPIFF_FILES)
    assert refused.value.file == "spiff_arena_de_xuat.bpmn"
    assert refused.value.element_id == "Activity_0xzvd1e"
    assert "lane 'Requester' is neither a role nor mapped to one" in refused.value.message

    process_id = "Process_de_xuat_sang_kien_3x7k9p1"
    _map(db_session, process_id, Requester="unit_clerk", Manager="unit_head")
    (spec,) = operations.deploy(db_session, SPIFF_FILES)
    assert spec.design is not None
    assert {(w["element"], w["message"].split(":")[0]) for w in spec.design["warnings"]} == {
        ("Activity_set_owners", "lane_owners is not read by this engine"),
        ("Activity_0xzvd1e", "extension element spiffworkflow"),
    }
    assert "de-xuat-schema.json" in spec.sources

    clerk, head = staff["clerk"], staff["head"]
    instance = operations.start_with_form(db_session, process_id, clerk, {})
    (proposal,) = _inbox(db_session, clerk)
    assert [f["name"] for f in proposal.form] == [
        "ten_sang_kien",
        "linh_vuc",
        "mo_ta",
        "ngay_ap_dung",
        "ma_so",
    ]
    assert [f["type"] for f in proposal.form] == ["text", "choice", "textarea", "date", "text"]
    with pytest.raises(ValidationFailed) as bad:
        operations.complete(
            db_session,
            proposal.id,
            clerk,
            {"ten_sang_kien": "Số hoá", "linh_vuc": "quan_ly", "mo_ta": "x", "ma_so": "12"},
        )
    # "pattern" has no field of its own in the form model: the jsonschema library checks it.
    assert list(bad.value.field_errors) == ["ma_so"]
    assert "pattern" in bad.value.field_errors["ma_so"]
    operations.complete(
        db_session,
        proposal.id,
        clerk,
        {
            "ten_sang_kien": "Số hoá hồ sơ khen thưởng",
            "linh_vuc": "quan_ly",
            "mo_ta": "Giảm thời gian xử lý",
            "ma_so": "SK-0042",
        },
    )
    (approval,) = _inbox(db_session, head)
    assert approval.candidate_role == "unit_head"
    with pytest.raises(ValidationFailed) as out_of_range:
        operations.complete(
            db_session, approval.id, head, {"quyet_dinh": "cong_nhan", "diem": "11"}
        )
    assert "lớn hơn 10" in out_of_range.value.field_errors["diem"]
    operations.complete(db_session, approval.id, head, {"quyet_dinh": "cong_nhan", "diem": "8.5"})
    assert "Event_0d6v1rr" in _ended_at(db_session, instance)
    data = spiff.workflow_data(stepping.load(db_session, instance).workflow)
    assert data["diem_xet"] == 17.0


# --- bpmn.io ---------------------------------------------------------------------------------


def test_bpmn_io_file_with_conditions_runs_to_the_end(
    db_session: Session, staff: dict[str, User]
) -> None:
    _map(db_session, "Process_1", **{"Văn thư": "unit_clerk", "Lãnh đạo": "unit_head"})
    (spec,) = operations.deploy(db_session, [BPMN_IO])
    assert spec.design is not None
    assert spec.design["warnings"] == []
    clerk, head = staff["clerk"], staff["head"]
    assert [s.process_id for s in operations.startable(db_session, clerk)] == ["Process_1"]
    instance = operations.start_with_form(db_session, "Process_1", clerk, {})
    _do(db_session, clerk, {})
    _do(db_session, head, {})
    assert "Event_1djdd5v" in _ended_at(db_session, instance)


def test_bpmn_io_file_as_the_demo_saves_it_is_refused(db_session: Session) -> None:
    text = BPMN_IO.read_text().replace('isExecutable="true"', 'isExecutable="false"')
    with pytest.raises(DeployError) as refused:
        operations.deploy_texts(db_session, {"diagram.bpmn": text.encode()})
    assert "diagram.bpmn" in refused.value.message


# --- warnings and refusals, one per construct ------------------------------------------------


def _camunda(**replacements: str) -> bytes:
    text = CAMUNDA_XML
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


WARNED = {
    "formKey": (
        {
            'camunda:dueDate="P3D">': 'camunda:dueDate="P3D" camunda:formKey="embedded:app:forms/review.html">'  # noqa: E501 - modeler XML
        },
        "Activity_0xw3k7p",
        "camunda:formKey='embedded:app:forms/review.html' names a form this engine cannot show",
    ),
    "priority": (
        {'camunda:dueDate="P3D">': 'camunda:dueDate="P3D" camunda:priority="80">'},
        "Activity_0xw3k7p",
        "attribute camunda:priority='80' is not used by this engine",
    ),
    "listener": (
        {
            '<camunda:formData>\n          <camunda:formField id="approved"': '<camunda:taskListener class="org.example.Notify" event="create" />\n'  # noqa: E501 - modeler XML
            '        <camunda:formData>\n          <camunda:formField id="approved"'
        },
        "Activity_0xw3k7p",
        "extension element camunda:taskListener is not used by this engine",
    ),
    "followUpDate": (
        {'camunda:dueDate="P3D">': 'camunda:dueDate="P3D" camunda:followUpDate="P1D">'},
        "Activity_0xw3k7p",
        "followUpDate 'P1D' is checked but has no effect",
    ),
    "property": (
        {
            '<camunda:formData>\n          <camunda:formField id="approved"': '<camunda:properties><camunda:property name="color" value="red" /></camunda:properties>\n'  # noqa: E501 - modeler XML
            '        <camunda:formData>\n          <camunda:formField id="approved"'
        },
        "Activity_0xw3k7p",
        "camunda:property 'color' is not used by this engine",
    ),
}


@pytest.mark.parametrize("kind", sorted(WARNED))
def test_each_unused_setting_is_a_warning_with_file_and_element(
    kind: str, db_session: Session, staff: dict[str, User]
) -> None:
    replacements, element, message = WARNED[kind]
    (spec,) = operations.deploy_texts(db_session, {"giay_khen.bpmn": _camunda(**replacements)})
    assert spec.design is not None
    found = [w for w in spec.design["warnings"] if w["element"] == element]
    assert [w["file"] for w in found] == ["giay_khen.bpmn"]
    assert message in found[0]["message"]


REFUSED = {
    "juel_call": (
        {"${approved}": "${approved.equals(true)}"},
        "Flow_0p9o8i7",
        "function and method calls are not accepted: 'equals('",
    ),
    "juel_arithmetic": (
        {"${approved}": "${so_nam_cong_tac + 1 > 2}"},
        "Flow_0p9o8i7",
        "outside the accepted subset: '+'",
    ),
    "juel_ternary": (
        {"${approved}": "${approved ? true : false}"},
        "Flow_0p9o8i7",
        "outside the accepted subset: '?'",
    ),
    "juel_text_around": (
        {"${approved}": "approved is ${approved}"},
        "Flow_0p9o8i7",
        "only one whole ${…} expression is accepted",
    ),
    "script_language": (
        {
            '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${approved}': '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">approved'  # noqa: E501 - modeler XML
        },
        "Flow_0p9o8i7",
        "condition language 'javascript' is not supported",
    ),
    "field_type": (
        {
            'id="nhan_xet" label="Nhận xét" type="string"': 'id="nhan_xet" label="Nhận xét" type="customer"'  # noqa: E501 - modeler XML
        },
        "Activity_0xw3k7p",
        "form field 'nhan_xet' has type 'customer'",
    ),
    "constraint": (
        {
            '<camunda:constraint name="maxlength" config="500" />': '<camunda:constraint name="validator" config="org.example.Check" />'  # noqa: E501 - modeler XML
        },
        "Activity_0xw3k7p",
        "validation constraint 'validator' is not supported",
    ),
    "default_expression": (
        {'defaultValue="giay_khen"': 'defaultValue="${loai}"'},
        "StartEvent_1",
        "defaultValue '${loai}' is an expression",
    ),
    "due_date": (
        {'camunda:dueDate="P3D"': 'camunda:dueDate="next monday"'},
        "Activity_0xw3k7p",
        "dueDate 'next monday' is neither an ISO 8601 date-time",
    ),
    "due_expression": (
        {'camunda:dueDate="P3D"': 'camunda:dueDate="${dateTime().plusDays(3)}"'},
        "Activity_0xw3k7p",
        "only a variable reference ${name} is accepted here",
    ),
    "timer": (
        {">PT5M<": ">PT5X<"},
        "Event_1q2w3e4",
        "PT5X",
    ),
    "group_unknown": (
        {'camunda:candidateGroups="unit_head"': 'camunda:candidateGroups="management"'},
        "Activity_0xw3k7p",
        "candidate group 'management' is neither a role nor mapped to one",
    ),
    "two_groups": (
        {'camunda:candidateGroups="unit_head"': 'camunda:candidateGroups="unit_head, director"'},
        "Activity_0xw3k7p",
        "candidateGroups names 2 entries",
    ),
    "user_unknown": (
        {'camunda:candidateGroups="secretariat"': 'camunda:assignee="demo"'},
        "Activity_0g7h8j9",
        "user 'demo' does not exist",
    ),
    "nobody": (
        {'camunda:candidateGroups="secretariat"': ""},
        "Activity_0g7h8j9",
        "no one can act on this user task",
    ),
    "groovy": (
        {
            '<bpmn:endEvent id="Event_0n9m8b7" name="Đã nhắc">': '<bpmn:scriptTask id="Activity_groovy" scriptFormat="groovy"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>\n'  # noqa: E501 - modeler XML
            '    <bpmn:endEvent id="Event_0n9m8b7" name="Đã nhắc">'
        },
        "Activity_groovy",
        "scriptFormat 'groovy' is not supported",
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_each_construct_outside_the_subset_is_refused_with_file_and_element(
    kind: str, db_session: Session, staff: dict[str, User]
) -> None:
    replacements, element, message = REFUSED[kind]
    with pytest.raises(DeployError) as refused:
        operations.deploy_texts(db_session, {"giay_khen.bpmn": _camunda(**replacements)})
    assert refused.value.file == "giay_khen.bpmn"
    assert refused.value.element_id == element
    assert message in refused.value.message
    assert refused.value.message.startswith(f"giay_khen.bpmn: element {element}: ")


def test_json_schema_keywords_outside_the_form_model_are_refused(db_session: Session) -> None:
    files = {p.name: p.read_bytes() for p in SPIFF_FILES}
    original = files["de-xuat-schema.json"]
    files["de-xuat-schema.json"] = original.replace(
        b'"format": "date"', b'"format": "date", "items": {"type": "string"}'
    )
    with pytest.raises(DeployError) as refused:
        operations.deploy_texts(db_session, files)
    assert refused.value.element_id == "Activity_0xzvd1e"
    assert "de-xuat-schema.json: field 'ngay_ap_dung' uses 'items'" in refused.value.message
    files["de-xuat-schema.json"] = original
    del files["phe-duyet-schema.json"]
    with pytest.raises(DeployError) as missing:
        operations.deploy_texts(db_session, files)
    assert "'phe-duyet-schema.json' was not deployed with the BPMN file" in missing.value.message


# --- the JUEL subset -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "python"),
    [
        ("${approved}", "approved"),
        ("${!approved}", "(not approved)"),
        ("${not approved}", "(not approved)"),
        ("${a && b || !c}", "((a and b) or (not c))"),
        ("${days >= 2 and days lt 10}", "((days >= 2) and (days < 10))"),
        ("${empty note}", "(note in (None, '', [], {}))"),
        ("${kind == 'bang_khen'}", "(kind == 'bang_khen')"),
        ('${kind ne "x"}', "(kind != 'x')"),
        ("${result.selected == true}", "(result['selected'] == True)"),
        ("${x == null}", "(x == None)"),
        ("#{-n < 0.5}", "((-n) < 0.5)"),
    ],
)
def test_juel_subset_translates_to_python(text: str, python: str) -> None:
    assert juel.translate(text) == python


def test_start_page_hides_what_a_user_may_not_start(
    db_session: Session, staff: dict[str, User]
) -> None:
    operations.deploy(db_session, [CAMUNDA])
    # candidateStarterGroups="unit_clerk": an administrator is not a starter of it either.
    assert operations.startable(db_session, staff["admin"]) == []
    assert [s.process_id for s in operations.startable(db_session, staff["clerk"])] == [
        "de_nghi_giay_khen"
    ]
