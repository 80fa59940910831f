"""Every user task, expression and diagram element follows workflows/README.md."""

import json

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.spiff.specs.defaults import UserTask

from tests.workflows.spiff_helper import WORKFLOWS, parser

PROCESSES = ["tdkt_registration", "tdkt_nomination", "tdkt_council_session"]
ROLES = {"unit_clerk", "unit_head", "secretariat", "council_member", "director"}
STAGES = {
    "registration", "prepare", "unit_review", "completeness", "posting",
    "council", "decision", "submission", "province", "archived",
}  # fmt: skip
TYPES = {"text", "textarea", "choice", "checklist", "boolean", "integer", "date", "ballot"}
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
}


def specs(process_id):
    spec = parser().get_spec(process_id)
    return list(spec.task_specs.values())


def user_tasks():
    for process_id in PROCESSES:
        for spec in specs(process_id):
            if isinstance(spec, UserTask):
                yield pytest.param(spec, id=f"{process_id}.{spec.bpmn_id}")


@pytest.mark.parametrize("spec", list(user_tasks()))
def test_user_task_declares_lane_stage_due_and_form(spec):
    props = spec.extensions["properties"]
    assert spec.lane in ROLES
    assert props["stage"] in STAGES
    due = props.get("dueWorkingDays")
    if due is not None:
        assert due.isdigit() or due.isidentifier()
    fields = json.loads(props["formFields"])
    assert fields
    names = [f["name"] for f in fields]
    assert len(set(names)) == len(names)
    for field in fields:
        keys = {"name", "type", "label", "required", "choices", "help", "requiredIf", "options"}
        assert set(field) <= keys
        assert field["name"].isidentifier()
        assert field["type"] in TYPES
        assert isinstance(field["required"], bool)
        assert field["label"].strip()
        if field["type"] == "choice":
            assert all({"value", "label"} == set(c) for c in field["choices"])
        else:
            assert "choices" not in field
        if field["type"] == "checklist":
            assert set(field["options"]) == {"from", "value", "label"}
        else:
            assert "options" not in field
        if "requiredIf" in field:
            assert field["requiredIf"]["field"] in names
    if any(f["type"] == "ballot" for f in fields):
        assert len(fields) == 1


def test_user_tasks_without_due_days_are_the_date_bound_ones():
    no_due = {
        param.values[0].bpmn_id
        for param in user_tasks()
        if "dueWorkingDays" not in param.values[0].extensions["properties"]
    }
    # posting ends by its timer (endsBy), the council's tasks on the meeting date (dueDate).
    assert no_due == {
        "submit_registration", "posting", "open_session", "cast_ballot", "enter_written_ballot"
    }  # fmt: skip


def test_ballot_task_is_one_instance_per_present_member():
    spec = parser().get_spec("tdkt_council_session")
    mi = spec.task_specs["cast_ballot"]
    assert mi.data_input.bpmn_id == "voters"
    assert mi.input_item.bpmn_id == "member"
    assert mi.output_item.bpmn_id == "ballot"
    assert spec.task_specs[mi.task_spec].lane == "council_member"


@pytest.mark.parametrize("process_id", PROCESSES)
def test_every_expression_and_script_compiles(process_id):
    for spec in specs(process_id):
        if isinstance(spec, ScriptTask):
            compile(spec.script, spec.bpmn_id, "exec")
        if isinstance(spec, ExclusiveGateway):
            for condition, _ in spec.cond_task_specs:
                if condition is not None:
                    compile(condition.args[0], spec.bpmn_id, "eval")
        definition = getattr(spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            compile(definition.expression, spec.bpmn_id, "eval")


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_flow_element_is_drawn(path):
    doc = etree.parse(str(path))
    drawn = set(doc.xpath("//bpmndi:BPMNShape/@bpmnElement | //bpmndi:BPMNEdge/@bpmnElement",
                          namespaces=NS))  # fmt: skip
    elements = doc.xpath(
        "//bpmn:process/*[@id][not(self::bpmn:laneSet)]/@id | //bpmn:lane/@id", namespaces=NS
    )
    assert set(elements) <= drawn


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.dmn")), ids=lambda p: p.name)
def test_every_dmn_rule_cites_its_source(path):
    doc = etree.parse(str(path))
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    rules = doc.xpath("//dmn:rule", namespaces=ns)
    assert rules
    for rule in rules:
        text = rule.findtext("dmn:description", namespaces=ns)
        assert text
        assert "Điều" in text or "quy chế" in text or "CHƯA XÁC NHẬN" in text


def test_unconfirmed_vote_rows_say_an_administrator_must_set_them():
    doc = etree.parse(str(WORKFLOWS / "vote_rule.dmn"))
    ns = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    for rule in doc.xpath("//dmn:rule", namespaces=ns):
        confirmed = rule.xpath("dmn:outputEntry/dmn:text", namespaces=ns)[-1].text
        description = rule.findtext("dmn:description", namespaces=ns)
        assert (confirmed == "False") == ("quản trị viên phải thiết lập" in description)
