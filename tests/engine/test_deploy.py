"""Deploying BPMN/DMN: every kind of bad file is refused with file, element and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import DeployError
from engine.models import ProcessInstance, WorkflowSpec
from engine.workflow import operations
from tests.common.worlds import World
from tests.engine.conftest import DATA, review_data

REVIEW = (DATA / "review.bpmn").read_text()
ROUTE = (DATA / "route.dmn").read_text()
TIMED = (DATA / "timed.bpmn").read_text()

CALL_MISSING = (
    REVIEW.replace(
        '<bpmn:businessRuleTask id="route" name="Xác định cấp quyết định">',
        '<bpmn:callActivity id="route" name="Gọi" calledElement="missing_process">',
    )
    .replace("</bpmn:businessRuleTask>", "</bpmn:callActivity>")
    .replace("<spiffworkflow:calledDecisionId>route_decision</spiffworkflow:calledDecisionId>", "")
)

BAD = {
    "malformed": ("review.bpmn", REVIEW[:1500], None, "malformed XML at line"),
    "schema": (
        "review.bpmn",
        REVIEW.replace(
            '<bpmn:userTask id="prepare"', '<bpmn:userTask isForCompensation="maybe" id="prepare"'
        ),
        "prepare",
        "isForCompensation",
    ),
    "unknown_process": ("review.bpmn", CALL_MISSING, "route", "'missing_process', which no file"),
    "condition": (
        "review.bpmn",
        REVIEW.replace('decision == "return"', 'decision == "return'),
        "gw_decision",
        "condition (to prepare)",
    ),
    "script": ("review.bpmn", REVIEW.replace("returns = 0", "returns = = 0"), "init", "script"),
    "form_json": (
        "review.bpmn",
        REVIEW.replace("""value='[{"name": "title",""", """value='[{"name": "title"""),
        "prepare",
        "formFields is not valid JSON",
    ),
    "form_type": (
        "review.bpmn",
        REVIEW.replace('"type": "integer"', '"type": "decimal"'),
        "prepare",
        "has type 'decimal'",
    ),
    "due": (
        "review.bpmn",
        REVIEW.replace(
            'name="dueWorkingDays" value="5"', 'name="dueWorkingDays" value="five days"'
        ),
        "prepare",
        "dueWorkingDays",
    ),
}


def _files(tmp_path: Path, name: str, text: str) -> list[Path]:
    (tmp_path / name).write_text(text)
    if name != "route.dmn":
        (tmp_path / "route.dmn").write_text(ROUTE)
    if name != "review.bpmn":
        (tmp_path / "review.bpmn").write_text(REVIEW)
    return [tmp_path]


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_bpmn_is_refused_naming_file_element_and_problem(
    kind: str, tmp_path: Path, db_session: Session
) -> None:
    name, text, element, problem = BAD[kind]
    with pytest.raises(DeployError) as caught:
        operations.deploy(db_session, _files(tmp_path, name, text))
    error = caught.value
    assert error.file == name
    assert error.element_id == element
    assert problem in error.problem
    assert error.message.startswith(f"{name}: element {element}: " if element else f"{name}: ")
    assert db_session.scalar(select(func.count(WorkflowSpec.id))) == 0


def test_bad_timer_expressions_are_refused(tmp_path: Path, db_session: Session) -> None:
    for expression, problem in (
        ("posting_until +", "timer 'posting_until +' is not valid Python"),
        ('"P1X"', "is not an ISO 8601 date, duration or cycle"),
    ):
        text = TIMED.replace(">posting_until<", f">{expression}<")
        (tmp_path / "timed.bpmn").write_text(text)
        with pytest.raises(DeployError) as caught:
            operations.deploy(db_session, [tmp_path / "timed.bpmn"])
        assert (caught.value.file, caught.value.element_id) == ("timed.bpmn", "posting_ended")
        assert problem in caught.value.problem


def test_bad_dmn_cell_is_refused(tmp_path: Path, db_session: Session) -> None:
    _files(tmp_path, "route.dmn", ROUTE.replace('? in ["LDTT", "GK"]', '? in ["LDTT", "GK"'))
    with pytest.raises(DeployError) as caught:
        operations.deploy(db_session, [tmp_path])
    assert (caught.value.file, caught.value.element_id) == ("route.dmn", "route_rule_1_in_0")
    assert "dmn_input" in caught.value.problem


def test_a_bad_file_deploys_nothing_of_a_folder(tmp_path: Path, db_session: Session) -> None:
    _files(tmp_path, "review.bpmn", REVIEW)
    (tmp_path / "timed.bpmn").write_text(TIMED.replace(">posting_until<", ">posting_until +<"))
    with pytest.raises(DeployError):
        operations.deploy(db_session, [tmp_path])
    assert db_session.scalar(select(func.count(WorkflowSpec.id))) == 0


def test_unchanged_files_are_a_no_op_and_changes_make_version_2(
    tmp_path: Path, db_session: Session, world: World
) -> None:
    paths = _files(tmp_path, "review.bpmn", REVIEW)
    (v1,) = operations.deploy(db_session, paths)
    v1_id = v1.id
    assert v1.version == 1
    assert len(v1.content_hash) == 64
    assert set(v1.sources) == {"review.bpmn", "route.dmn"}
    assert [s.id for s in operations.deploy(db_session, paths)] == [v1_id]
    instance_id = operations.start(db_session, "review", data=review_data(world)).id
    (tmp_path / "review.bpmn").write_text(REVIEW.replace("Chuẩn bị hồ sơ", "Chuẩn bị hồ sơ (sửa)"))
    (v2,) = operations.deploy(db_session, paths)
    assert (v2.version, v2.process_id) == (2, "review")
    assert v2.id != v1_id
    running = db_session.get(ProcessInstance, instance_id)
    assert running is not None
    assert running.spec_id == v1_id
    db_session.commit()
    assert operations.start(db_session, "review", data=review_data(world)).spec_id == v2.id


def test_tdkt_deploy_command(
    tmp_path: Path,
    db_session: Session,
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from web import cli

    monkeypatch.setattr(cli, "_settings", lambda: settings)

    def run(*args: str) -> int:
        monkeypatch.setattr("sys.argv", ["tdkt", "deploy", *args])
        try:
            cli.main()
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0

    assert run(str(DATA / "review.bpmn"), str(DATA / "route.dmn")) == 0
    assert "review: version 1" in capsys.readouterr().out
    (tmp_path / "timed.bpmn").write_text(TIMED.replace(">posting_until<", ">posting_until +<"))
    assert run(str(tmp_path)) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "tdkt: timed.bpmn: element posting_ended: timer 'posting_until +' is not valid Python: "
        "invalid syntax"
    ]
