"""The only module that imports SpiffWorkflow (DESIGN.md, engine rule 6).

It holds the validating parser, a serializer configured once that leaves the spec out of an
instance's state, the script engine with the domain helpers, and small accessors the rest of the
engine uses on tasks so that nothing else needs to know SpiffWorkflow's class names.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask as SubWorkflowTaskMixin
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.workflow import sandbox

__all__ = [
    "BpmnWorkflow",
    "NotWaiting",
    "ParsedProcess",
    "SpecSet",
    "ValidationException",
    "WorkflowException",
]

Task = Any  # SpiffWorkflow's Task; typed loosely because the library ships no stubs.


class NotWaiting(Exception):
    """The instance is not waiting for the message that was sent to it."""


# --- script environment -------------------------------------------------------------------------


def standard_helpers(calendar: Callable[[], WorkingCalendar]) -> dict[str, Callable[..., Any]]:
    """Return the helpers every script may call; ``calendar`` gives the calendar in force."""

    def working_days_ahead(n: int) -> str:
        """Return the end of the ``n``-th working day from now as an ISO string with its offset."""
        return calendar().iso_working_days_ahead(int(n), datetime.now(UTC))

    return {"working_days_ahead": working_days_ahead, "now_iso": now_iso}


def now_iso() -> str:
    """Return the current instant as an ISO string with its offset."""
    return datetime.now(UTC).isoformat()


def script_engine(helpers: dict[str, Callable[..., Any]]) -> Any:
    """Return a script engine whose scripts, conditions and DMN cells see ``helpers``.

    Everything runs restricted (engine/workflow/sandbox.py): compiled with RestrictedPython,
    with the sandbox's builtins and guards and the helpers as the only globals.
    """
    if not helpers:
        raise ValueError("a script engine needs at least one helper")
    return PythonScriptEngine(environment=RestrictedEnvironment(helpers))


class RestrictedEnvironment(TaskDataEnvironment):  # type: ignore[misc]  # no stubs
    """SpiffWorkflow's task-data environment, running RestrictedPython code instead of eval/exec.

    The task data are the script's namespace as before; the builtins and the guards are laid
    over it last (task data cannot replace them) and removed again after a script, so the data
    stay JSON.
    """

    def __init__(self, helpers: dict[str, Callable[..., Any]]) -> None:
        super().__init__(sandbox.restricted_globals(helpers))
        self._guards = {k: v for k, v in self.globals.items() if k.startswith("_")}

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        code = sandbox.compile_code(expression, "eval")
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(self._guards)
        return eval(code, scope)  # noqa: S307  # restricted code, restricted globals

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        code = sandbox.compile_code(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        context.update(self._guards)
        try:
            exec(code, context)  # noqa: S102  # restricted code, restricted globals
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


# --- serialization ------------------------------------------------------------------------------


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]  # no stubs
    """Serialize a workflow without its spec; the spec is stored once per deploy (rule 1)."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], **kwargs: Any) -> Any:
        spec_set: SpecSet = kwargs["spec_set"]
        workflow = self.target_class(spec_set.spec, spec_set.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(value)


_REGISTRY = BpmnWorkflowSerializer.configure(
    {**SPIFF_CONFIG, BpmnWorkflow: _SpeclessWorkflowConverter}
)
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)
# The registry switches a shared "encoder mode" flag while it serializes; two threads serializing
# at once would flip it under each other, so conversions take turns (they hold the GIL anyway).
_CONVERT_LOCK = threading.Lock()


@dataclass(frozen=True)
class SpecSet:
    """A parsed process spec with the specs of the processes it calls."""

    spec: Any
    subprocess_specs: dict[str, Any]


def dump_spec(spec_set: SpecSet) -> str:
    """Return the JSON text a WorkflowSpec row stores."""
    with _CONVERT_LOCK:
        return json.dumps(
            {
                "spec": _REGISTRY.convert(spec_set.spec),
                "subprocess_specs": {
                    name: _REGISTRY.convert(s) for name, s in spec_set.subprocess_specs.items()
                },
            }
        )


def load_spec(text: str) -> SpecSet:
    """Restore a spec from the JSON text of a WorkflowSpec row (a fresh dict every time)."""
    dct = json.loads(text)
    return SpecSet(
        _REGISTRY.restore(dct["spec"]),
        {name: _REGISTRY.restore(s) for name, s in dct["subprocess_specs"].items()},
    )


def dump_workflow(workflow: Any) -> str:
    """Return the workflow's state as JSON, without the spec."""
    with _CONVERT_LOCK:
        return str(_SERIALIZER.serialize_json(workflow))


def load_workflow(state: str | dict[str, Any], spec_set: SpecSet, engine: Any) -> Any:
    """Restore a workflow saved by :func:`dump_workflow` and give it the script ``engine``."""
    dct = json.loads(state) if isinstance(state, str) else state
    _SERIALIZER.migrate(dct)
    workflow = _SERIALIZER.from_dict(dct, spec_set=spec_set)
    workflow.script_engine = engine
    return workflow


def new_workflow(spec_set: SpecSet, engine: Any) -> Any:
    """Return a new workflow of ``spec_set`` run by the script ``engine``."""
    return BpmnWorkflow(spec_set.spec, spec_set.subprocess_specs, script_engine=engine)


def set_start_data(workflow: Any, data: dict[str, Any]) -> None:
    """Put the start data into the workflow's start task (before the first engine steps)."""
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data)


# --- parsing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedProcess:
    """A process found in the deployed files: its spec and the files it was built from."""

    process_id: str
    name: str
    spec_set: SpecSet
    files: tuple[str, ...]


class ParseFailure(Exception):
    """A file cannot be parsed; names the file, the element (if known) and the problem."""

    def __init__(self, file: str, element_id: str | None, problem: str) -> None:
        super().__init__(problem)
        self.file = file
        self.element_id = element_id
        self.problem = problem


def _element_at_line(xml: bytes, line: int | None) -> str | None:
    """Return the id of the element (or its nearest ancestor with an id) on ``line``."""
    if not line:
        return None
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return None
    best: str | None = None
    for element in root.iter():
        if not isinstance(element.tag, str) or element.sourceline is None:
            continue
        if element.sourceline > line:
            break
        if element.get("id"):
            best = element.get("id")
    return best


def parse(bpmn: dict[str, bytes], dmn: dict[str, bytes]) -> tuple[list[ParsedProcess], Any]:
    """Parse BPMN and DMN sources with schema validation; raise ParseFailure on the first error.

    Return the processes and the parser (for :func:`expressions`).
    """
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, xml in sorted(dmn.items()):
        _add(parser.add_dmn_str, name, xml)
    for name, xml in sorted(bpmn.items()):
        _add(parser.add_bpmn_str, name, xml)
    processes = []
    known = set(parser.get_process_ids())
    for process_id in parser.get_process_ids():
        try:
            spec = parser.get_spec(process_id)
            for ts in spec.task_specs.values():
                called = getattr(ts, "spec", None) if isinstance(ts, SubWorkflowTaskMixin) else None
                if called is not None and called not in known:
                    raise ParseFailure(
                        spec.file, ts.bpmn_id, f"calls process {called!r}, which no file defines"
                    )
            subs = parser.get_subprocess_specs(process_id)
        except ParseFailure:
            raise
        except ValidationException as exc:
            file = exc.file_name or _file_of(parser, process_id)
            raise ParseFailure(file, exc.id or process_id, str(exc.args[0])) from None
        except Exception as exc:  # SpiffWorkflow raises plain exceptions for broken models
            raise ParseFailure(_file_of(parser, process_id), process_id, _describe(exc)) from None
        files = {spec.file, *(s.file for s in subs.values())}
        processes.append(
            ParsedProcess(
                process_id,
                spec.description or process_id,
                SpecSet(spec, subs),
                tuple(sorted(files)),
            )
        )
    return processes, parser


def _file_of(parser: Any, process_id: str) -> str:
    try:
        return str(parser.get_process_parser(process_id).filename)
    except Exception:  # the id is not a process of these files
        return "?"


def _add(method: Callable[..., Any], name: str, xml: bytes) -> None:
    try:
        method(xml, filename=name)
    except etree.XMLSyntaxError as exc:
        raise ParseFailure(name, None, f"malformed XML at line {exc.lineno}: {exc.msg}") from None
    except ValidationException as exc:
        element = exc.id or _element_at_line(xml, exc.line_number or None)
        problem = str(exc.args[0]) if exc.args else "invalid"
        if exc.line_number:
            problem = f"line {exc.line_number}: {problem}"
        raise ParseFailure(name, element, problem) from None


def _describe(exc: BaseException) -> str:
    # str() of some SpiffWorkflow exceptions raises TypeError (SPIFF_NOTES.md): use the args.
    return f"{type(exc).__name__}: {', '.join(str(a) for a in exc.args)}"


@dataclass(frozen=True)
class Expression:
    """One piece of Python in a model, with what it is and where it lives."""

    file: str
    element_id: str
    kind: str  # condition | timer | script | loop … | message payload | dmn_input | dmn_output
    text: str
    mode: str  # eval | exec


def expressions(processes: list[ParsedProcess], parser: Any) -> Iterator[Expression]:
    """Yield every Python expression and script of the parsed processes and DMN tables."""
    seen: set[int] = set()
    for process in processes:
        specs = [process.spec_set.spec, *process.spec_set.subprocess_specs.values()]
        for spec in specs:
            if id(spec) in seen:
                continue
            seen.add(id(spec))
            for task_spec in spec.task_specs.values():
                yield from _task_expressions(spec.file, task_spec)
    for dmn_parser in parser.dmn_parsers.values():
        yield from _dmn_expressions(dmn_parser)


def _task_expressions(file: str, ts: Any) -> Iterator[Expression]:
    element = getattr(ts, "bpmn_id", None) or ts.name
    for condition, target in getattr(ts, "cond_task_specs", []) or []:
        if condition is not None:
            text = condition.args[0] if hasattr(condition, "args") else str(condition)
            yield Expression(file, element, f"condition (to {target})", text, "eval")
    for attr in ("script", "prescript", "postscript"):
        text = getattr(ts, attr, None)
        if isinstance(text, str) and text.strip():
            yield Expression(file, element, attr, text, "exec")
    for attr in ("cardinality", "condition"):  # multi-instance loops
        text = getattr(ts, attr, None) if isinstance(ts, LoopTask) else None
        if isinstance(text, str) and text.strip():
            yield Expression(file, element, f"loop {attr}", text, "eval")
    definition = getattr(ts, "event_definition", None)
    for sub in [definition, *getattr(definition, "event_definitions", [])]:
        if isinstance(sub, TimerEventDefinition) and isinstance(sub.expression, str):
            yield Expression(file, element, "timer", sub.expression, "eval")
        elif sub is not None and type(sub).__name__ == "ConditionalEventDefinition":
            yield Expression(file, element, "condition", sub.expression, "eval")
        elif isinstance(sub, MessageEventDefinition) and (sub.expression or "").strip():
            yield Expression(file, element, "message payload", sub.expression, "eval")


def _dmn_expressions(dmn_parser: Any) -> Iterator[Expression]:
    dmn_parser.parse()
    file = dmn_parser.filename
    for table in dmn_parser.decision.decisionTables:
        for inp in table.inputs:
            if inp.expression:
                yield Expression(file, inp.id, "dmn_input", inp.expression, "eval")
        for rule in table.rules:
            for entry in rule.inputEntries:
                for lhs in entry.lhs:
                    if lhs is not None and lhs.strip():
                        yield Expression(file, entry.id, "dmn_input", lhs, "dmn_cell")
            for out in rule.outputEntries:
                if out.text and out.text.strip():
                    yield Expression(file, out.id, "dmn_output", out.text, "eval")


def timer_literal_problem(text: str) -> str | None:
    """Return why a quoted timer literal is not ISO 8601, or None (variables are checked later)."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, str):
        return f"timer value {value!r} is not an ISO 8601 string"
    try:
        if value.startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception as exc:  # the library raises ValueError or its own exceptions
        return (
            f"timer value {value!r} is not an ISO 8601 date, duration or cycle ({_describe(exc)})"
        )
    return None


def iso_instant(text: str, now: datetime) -> datetime:
    """Return the instant an ISO 8601 date-time names, or ``now`` plus an ISO duration.

    Raise ValueError when ``text`` is neither (a due date or follow-up date of a user task).
    """
    value = text.strip()
    try:
        if value.upper().startswith("P"):
            parsed = TimerEventDefinition.parse_iso_duration(value)
            delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parsed, now)
            return now + delta
        instant: datetime = TimerEventDefinition.get_datetime(value)
        return instant
    except Exception as exc:  # the library raises ValueError or plain Exception
        raise ValueError(f"{value!r} is not an ISO 8601 date-time or duration") from exc


# --- running ------------------------------------------------------------------------------------


def ready_user_tasks(workflow: Any) -> list[Task]:
    """Return the workflow's ready human tasks."""
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def get_task(workflow: Any, uuid: str) -> Task | None:
    """Return the task with this id, or None."""
    return workflow.get_task_from_id(_uuid(uuid)) if uuid else None


def is_ready(task: Task) -> bool:
    return bool(task.state == TaskState.READY)


def task_properties(task: Task) -> dict[str, str]:
    """Return the task's ``spiffworkflow:property`` values."""
    return dict(task.task_spec.extensions.get("properties", {}) or {})


def element_properties(spec_set: SpecSet, element_id: str) -> dict[str, str]:
    """Return the ``spiffworkflow:property`` values of element ``element_id`` of a spec."""
    for spec in (spec_set.spec, *spec_set.subprocess_specs.values()):
        for ts in spec.task_specs.values():
            if (ts.bpmn_id or ts.name) == element_id:
                return dict((getattr(ts, "extensions", None) or {}).get("properties", {}) or {})
    return {}


def task_element(task: Task) -> tuple[str, str, str | None]:
    """Return (BPMN id, name, lane) of a task."""
    spec = task.task_spec
    return spec.bpmn_id or spec.name, spec.bpmn_name or spec.bpmn_id or spec.name, spec.lane


def activation_id(task: Task) -> str:
    """Return what identifies one arrival at a task: the multi-instance parent for its children."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, LoopTask):
        return str(parent.id)
    return str(task.id)


def multi_instance_item(task: Task) -> Any:
    """Return the input item of a multi-instance child (e.g. the council member), or None."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, LoopTask):
        return None
    item = getattr(parent.task_spec, "input_item", None)
    name = getattr(item, "bpmn_id", None)
    return task.data.get(name) if name else None


def run_task(task: Task, data: dict[str, Any]) -> None:
    """Merge ``data`` into the task and run it."""
    task.data.update(data)
    task.run()


def do_engine_steps(workflow: Any, *, refresh_timers: bool = False) -> None:
    """Run everything that does not wait for a person (refreshing timers first when asked)."""
    if refresh_timers:
        workflow.refresh_timers()
    workflow.do_engine_steps()


def workflow_data(workflow: Any) -> dict[str, Any]:
    """Return the instance's current data (the last completed task's)."""
    last = workflow.last_task
    return dict(last.data) if last is not None else dict(workflow.data)


def frontier_data(workflow: Any) -> dict[str, Any]:
    """Return the data where the instance now waits (its newest ready or waiting task).

    ``last_task`` can lag behind: after a boundary timer fires it is the boundary event, not
    the script that ran after it.
    """
    waiting = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    if not waiting:
        return workflow_data(workflow)
    newest = max(waiting, key=lambda t: t.last_state_change)
    return dict(newest.data)


def is_completed(workflow: Any) -> bool:
    return bool(workflow.completed)


def cancel_workflow(workflow: Any) -> None:
    workflow.cancel()


def send_message(workflow: Any, name: str, payload: Any) -> None:
    """Deliver message ``name`` from outside; raise NotWaiting when nothing catches it."""
    try:
        workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))
    except WorkflowException as exc:
        raise NotWaiting(name) from exc


def thrown_messages(workflow: Any) -> list[tuple[str, Any]]:
    """Return (and clear) the messages the workflow threw that nothing inside caught."""
    return [
        (event.event_definition.name, event.payload)
        for event in workflow.get_events()
        if isinstance(event.event_definition, MessageEventDefinition)
    ]


def next_timer_at(workflow: Any) -> datetime | None:
    """Return the earliest pending timer of the workflow, or None."""
    dues = [d for event in workflow.waiting_events() for d in _timer_dues(event)]
    return min(dues) if dues else None


_TIMER_TYPES = frozenset(
    {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}
)


def _timer_dues(event: Any) -> Iterator[datetime]:
    value = getattr(event, "value", None)
    event_type = getattr(event, "event_type", "") or ""
    if isinstance(value, list):
        for sub in value:
            yield from _timer_dues(sub)
        return
    if event_type not in _TIMER_TYPES or value is None:
        return
    if isinstance(value, dict):
        value = value.get("next")
    if isinstance(value, str):
        yield TimerEventDefinition.get_datetime(value)


def completed_element_ids(workflow: Any) -> set[str]:
    """Return the BPMN ids of the tasks that have run in this instance."""
    return {
        t.task_spec.bpmn_id
        for t in workflow.get_tasks(state=TaskState.COMPLETED)
        if t.task_spec.bpmn_id
    }


def diff_against(workflow: Any, new: SpecSet) -> tuple[Any, dict[str, Any]]:
    """Return SpiffWorkflow's diff of a live workflow against a new spec."""
    diff: tuple[Any, dict[str, Any]] = diff_workflow(
        _REGISTRY, workflow, new.spec, new.subprocess_specs
    )
    return diff


def changed_elements(diff: Any) -> tuple[set[str], set[str]]:
    """Return the BPMN ids of (changed, removed) tasks of a workflow diff that already ran."""
    changed = {
        t.task_spec.bpmn_id or t.task_spec.name
        for t in diff.changed
        if t.state == TaskState.COMPLETED
    }
    removed = {
        t.task_spec.bpmn_id or t.task_spec.name
        for t in diff.removed
        if t.state in (TaskState.COMPLETED, TaskState.READY, TaskState.WAITING, TaskState.STARTED)
    }
    return changed, removed


def migrate(workflow: Any, diff: Any, sub_diffs: dict[str, Any], new: SpecSet) -> None:
    """Move a live workflow onto ``new`` (ready and waiting tasks are reset onto it)."""
    migrate_workflow(diff, workflow, new.spec)
    for sp_id, sp_diff in sub_diffs.items():
        sub = workflow.subprocesses.get(sp_id)
        if sub is not None and sp_diff is not None:
            migrate_workflow(sp_diff, sub, new.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new.subprocess_specs
