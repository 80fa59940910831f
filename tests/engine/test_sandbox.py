"""The sandbox: unsafe scripts are refused at deploy and, had they slipped past, at run time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import DeployError
from engine.models import ProcessInstance, WorkflowSpec
from engine.workflow import operations, sandbox, spiff
from tests.common.worlds import World
from tests.engine.conftest import DATA, review_data

REVIEW = (DATA / "review.bpmn").read_text()
ROUTE = (DATA / "route.dmn").read_text()
TIMED = (DATA / "timed.bpmn").read_text()
WORKFLOWS = Path(__file__).parents[2] / "workflows"

# (script put into the "init" task, what the refusal says)
UNSAFE_SCRIPTS = {
    "import": ("import os\nos.system('id')", "imports are not allowed (import os)"),
    "from_import": ("from os import system", "imports are not allowed (from os import system)"),
    "dunder_import": ("m = __import__('os')", '"__import__" is an invalid variable name'),
    "dunder_walk": ("x = ().__class__.__bases__", '"__class__" is an invalid attribute name'),
    "open": ("secret = open('/etc/passwd').read()", "'open' is not available"),
    "eval": ("x = eval('1')", "'eval' is not available"),
    "exec": ("exec('x = 1')", "'exec' is not available"),
    "getattr": ("x = getattr(returns, 'real')", "'getattr' is not available"),
    "globals": ("x = globals()", "'globals' is not available"),
    "format": ("x = '{0.__class__}'.format(1)", "str.format() is not allowed"),
    "frame": ("x = (i for i in []).gi_frame", '"gi_frame" is a restricted name'),
    "class": ("class A:\n    pass", "class definitions are not allowed"),
}


def _with_init_script(script: str) -> str:
    return REVIEW.replace("returns = 0\nstarted_at = now_iso()", script.replace("<", "&lt;"))


def _deploy(db_session: Session, tmp_path: Path, review: str, route: str = ROUTE) -> None:
    (tmp_path / "review.bpmn").write_text(review)
    (tmp_path / "route.dmn").write_text(route)
    operations.deploy(db_session, [tmp_path])


@pytest.mark.parametrize("kind", sorted(UNSAFE_SCRIPTS))
def test_an_unsafe_script_is_refused_at_deploy(
    kind: str, tmp_path: Path, db_session: Session
) -> None:
    script, problem = UNSAFE_SCRIPTS[kind]
    with pytest.raises(DeployError) as caught:
        _deploy(db_session, tmp_path, _with_init_script(script))
    error = caught.value
    assert (error.file, error.element_id) == ("review.bpmn", "init")
    assert error.problem.startswith("script ")
    assert "is refused: " in error.problem
    assert problem in error.problem
    assert db_session.scalar(select(func.count(WorkflowSpec.id))) == 0


def test_an_unsafe_condition_is_refused_at_deploy(tmp_path: Path, db_session: Session) -> None:
    review = REVIEW.replace('decision == "return"', "__import__('os').system('id') == 0")
    with pytest.raises(DeployError) as caught:
        _deploy(db_session, tmp_path, review)
    assert (caught.value.file, caught.value.element_id) == ("review.bpmn", "gw_decision")
    assert caught.value.problem.startswith("condition (to prepare)")
    assert '"__import__" is an invalid variable name' in caught.value.problem


def test_an_unsafe_timer_is_refused_at_deploy(tmp_path: Path, db_session: Session) -> None:
    (tmp_path / "timed.bpmn").write_text(
        TIMED.replace(">posting_until<", ">open('/etc/passwd').read()<")
    )
    with pytest.raises(DeployError) as caught:
        operations.deploy(db_session, [tmp_path / "timed.bpmn"])
    assert (caught.value.file, caught.value.element_id) == ("timed.bpmn", "posting_ended")
    assert "'open' is not available" in caught.value.problem


@pytest.mark.parametrize(
    ("old", "new", "element", "problem"),
    [
        (
            '? in ["LDTT", "GK"]',
            "? in ().__class__.__subclasses__()",
            "route_rule_1_in_0",
            '"__subclasses__" is an invalid attribute name',
        ),
        (
            '? in ["LDTT", "GK"]',
            "open('/etc/passwd')",
            "route_rule_1_in_0",
            "'open' is not available",
        ),
        ('"director"', "__import__('os').getcwd()", "route_rule_1_out_0", '"__import__"'),
    ],
)
def test_an_unsafe_dmn_cell_is_refused_at_deploy(
    old: str, new: str, element: str, problem: str, tmp_path: Path, db_session: Session
) -> None:
    assert old in ROUTE
    with pytest.raises(DeployError) as caught:
        _deploy(db_session, tmp_path, REVIEW, ROUTE.replace(old, new.replace("'", "&apos;")))
    assert (caught.value.file, caught.value.element_id) == ("route.dmn", element)
    assert problem in caught.value.problem
    assert db_session.scalar(select(func.count(WorkflowSpec.id))) == 0


def test_the_procedure_deploys_through_the_sandbox(db_session: Session) -> None:
    deployed = operations.deploy(db_session, [WORKFLOWS])
    assert {s.process_id for s in deployed} == {
        "tdkt_council_session",
        "tdkt_nomination",
        "tdkt_registration",
    }


def test_a_stored_unsafe_script_fails_at_run_time_without_side_effects(
    tmp_path: Path, db_session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spec deployed before the sandbox (or past a broken check) still cannot escape."""
    marker = tmp_path / "escaped"
    script = f"open({str(marker)!r}, 'w').write('x')\nreturns = 0"
    with monkeypatch.context() as patched:
        patched.setattr(sandbox, "check", lambda text, mode: None)
        _deploy(db_session, tmp_path, _with_init_script(script))
    db_session.commit()
    with pytest.raises(spiff.WorkflowException, match="'open' is not available in scripts"):
        operations.start(db_session, "review", data=review_data(world))
    assert not marker.exists()
    assert db_session.scalar(select(func.count(ProcessInstance.id))) == 0


def test_the_run_time_refuses_even_what_the_static_check_would_miss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the static check, RestrictedPython's globals have no __import__, open or getattr."""
    monkeypatch.setattr(sandbox, "_static_problem", lambda text, mode: None)
    sandbox.compile_code.cache_clear()
    environment = spiff.script_engine({"now_iso": spiff.now_iso}).environment
    try:
        for script, error in (
            ("import os", ImportError),
            ("x = open('/etc/passwd')", NameError),
            ("x = getattr(1, 'real')", NameError),
            ("x = type(1)", NameError),
        ):
            with pytest.raises(error):
                environment.execute(script, {})
    finally:
        sandbox.compile_code.cache_clear()


def test_scripts_keep_the_python_the_procedure_uses() -> None:
    environment = spiff.script_engine({"now_iso": spiff.now_iso}).environment
    data: dict[str, object] = {
        "members": [{"user_id": 1}, {"user_id": 2}, {"user_id": 3}],
        "absent_member_ids": "2; 3",
        "totals": {"yes": 1},
    }
    environment.execute(
        "absent = [int(x) for x in str(absent_member_ids).replace(';', ',').split(',') if x]\n"
        "voters = {str(m['user_id']): m for m in members if m['user_id'] not in absent}\n"
        "pairs = [f'{a}-{b}' for a, b in zip(sorted(absent), range(2))]\n"
        "totals['no'] = 2\n"
        "count = 0\n"
        "for key, value in sorted(totals.items()):\n"
        "    count += value\n"
        "stats = (len(members), sum(absent), min(absent), max(absent), any(absent), all(absent))\n"
        "when = now_iso()\n"
        "if not voters:\n"
        "    raise ValueError('no voters')\n"
        "del key, value",
        data,
    )
    assert data["absent"] == [2, 3]
    assert data["voters"] == {"1": {"user_id": 1}}
    assert data["pairs"] == ["2-0", "3-1"]
    assert data["totals"] == {"yes": 1, "no": 2}
    assert data["count"] == 3
    assert data["stats"] == (3, 5, 2, 3, True, True)
    # The builtins, guards and helpers are gone again: the task data stay plain JSON values.
    assert not [k for k in data if k.startswith("_") or callable(data[k])]
    assert environment.evaluate("count > 2 and totals['no'] == 2", data) is True


def test_task_data_cannot_replace_the_builtins_or_guards() -> None:
    environment = spiff.script_engine({"now_iso": spiff.now_iso}).environment
    data = {
        "__builtins__": {"len": lambda ob: 99},
        "_getitem_": lambda ob, key: "forged",
        "d": {"a": 1},
    }
    assert environment.evaluate("len([1]) + d['a']", data) == 2


def test_tdkt_deploy_refuses_an_unsafe_script_in_one_line(
    tmp_path: Path,
    db_session: Session,
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from web import cli

    monkeypatch.setattr(cli, "_settings", lambda: settings)
    (tmp_path / "review.bpmn").write_text(_with_init_script("import os"))
    (tmp_path / "route.dmn").write_text(ROUTE)
    monkeypatch.setattr("sys.argv", ["tdkt", "deploy", str(tmp_path)])
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "tdkt: review.bpmn: element init: script 'import os' is refused: "
        "line 1: imports are not allowed (import os)"
    ]
    assert db_session.scalar(select(func.count(WorkflowSpec.id))) == 0


def test_an_unsafe_message_payload_is_refused_at_deploy(
    tmp_path: Path, db_session: Session
) -> None:
    messages = (DATA / "messages.bpmn").read_text()
    payload = "<spiffworkflow:messagePayload>session_results</spiffworkflow:messagePayload>"
    assert payload in messages
    unsafe = payload.replace("session_results", "vars()")
    (tmp_path / "messages.bpmn").write_text(messages.replace(payload, unsafe))
    with pytest.raises(DeployError) as caught:
        operations.deploy(db_session, [tmp_path / "messages.bpmn"])
    assert (caught.value.file, caught.value.element_id) == ("messages.bpmn", "session_end")
    assert caught.value.problem.startswith("message payload 'vars()' is refused")
