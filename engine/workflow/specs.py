"""Deploying BPMN/DMN: validate everything, store each process spec once by hash, cache it.

A deploy checks the XML schema, parses with SpiffWorkflow, and compiles every piece of Python a
model holds (gateway conditions, timer expressions, scripts, DMN cells) plus the ``formFields``
and ``dueWorkingDays`` properties, so a typo is refused at deploy and never met by a reviewer.
Files from Camunda Modeler, spiff-arena or bpmn.io are first brought to the engine's notation
(engine.workflow.notations); the settings it does not use are kept as warnings of the version
(``WorkflowSpec.design``), and a user task nobody could act on is refused.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import wiring
from engine.errors import DeployError, NotFound
from engine.models import ProcessGroupRole, User, WorkflowSpec
from engine.models.org import ROLES
from engine.workflow import notations, sandbox, spiff
from engine.workflow.forms import MAX_MAX_LENGTH

FIELD_TYPES = frozenset(
    {"text", "textarea", "choice", "checklist", "boolean", "integer", "number", "date", "ballot"}
)
#: The suffixes of files a deploy takes: BPMN, and beside it DMN tables and JSON-schema forms.
SUFFIXES = (".bpmn", ".dmn", ".json")
ROLE_CODES = frozenset(r.code for r in ROLES)


class SpecCache:
    """The parsed specs one runtime has met, by process and content hash and by row id.

    Spec rows are never changed or deleted, so neither key can go stale while the database
    lives; each runtime (``engine.wiring.Wiring.specs``) has its own.
    """

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], spiff.SpecSet] = {}
        self.by_id: dict[int, spiff.SpecSet] = {}
        self.lock = threading.Lock()


def read_sources(paths: Sequence[Path]) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Return ({name: xml} of BPMN, {name: content} beside them) for files and folders in ``paths``.

    Beside the BPMN go the DMN tables and the JSON-schema forms (``.json``).
    """
    files: dict[str, bytes] = {}
    for path in paths:
        found = sorted(path.glob("*")) if path.is_dir() else [path]
        for file in found:
            if path.is_dir() and file.suffix.lower() not in SUFFIXES:
                continue
            if file.suffix.lower() not in SUFFIXES:
                raise DeployError(file.name, None, "not a .bpmn, .dmn or .json file")
            try:
                files[file.name] = file.read_bytes()
            except OSError as exc:
                raise DeployError(file.name, None, f"cannot read: {exc.strerror}") from None
    return split_sources(files, ", ".join(str(p) for p in paths))


def split_sources(
    files: dict[str, bytes], where: str | None = None
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Sort {name: content} into (BPMN, beside: DMN and JSON); refuse other files and a set
    without BPMN."""
    bpmn: dict[str, bytes] = {}
    dmn: dict[str, bytes] = {}
    for name, content in files.items():
        target = {".bpmn": bpmn, ".dmn": dmn, ".json": dmn}.get(Path(name).suffix.lower())
        if target is None:
            raise DeployError(name, None, "not a .bpmn, .dmn or .json file")
        target[name] = content
    if not bpmn:
        raise DeployError(where or ", ".join(sorted(files)) or "?", None, "no .bpmn file to deploy")
    return bpmn, dmn


def content_hash(sources: dict[str, bytes]) -> str:
    """Return the SHA-256 over the files' names and contents, in name order."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(sources[name])
        digest.update(b"\0")
    return digest.hexdigest()


def validate(bpmn: dict[str, bytes], dmn: dict[str, bytes]) -> list[spiff.ParsedProcess]:
    """Parse and check the sources; raise DeployError naming file, element and problem."""
    return check(bpmn, dmn)[0]


def check(
    bpmn: dict[str, bytes], beside: dict[str, bytes]
) -> tuple[list[spiff.ParsedProcess], notations.Design]:
    """Normalize, parse and check the sources; return the processes and what was found.

    ``beside`` holds the DMN tables and the JSON-schema forms. Raise DeployError naming file,
    element and problem.
    """
    dmn = {n: c for n, c in beside.items() if Path(n).suffix.lower() == ".dmn"}
    others = {n: c for n, c in beside.items() if n not in dmn}
    normalized, design = notations.normalize(bpmn, others)
    try:
        processes, parser = spiff.parse(normalized, dmn)
    except spiff.ParseFailure as exc:
        raise DeployError(exc.file, exc.element_id, exc.problem) from None
    if not processes:
        raise DeployError(", ".join(sorted(bpmn)), None, "no executable process in the files")
    try:
        expressions = list(spiff.expressions(processes, parser))
    except spiff.ValidationException as exc:
        raise DeployError(exc.file_name or "?", exc.id or None, str(exc.args[0])) from None
    for expr in expressions:
        _compile(expr)
    for process in processes:
        for file, element_id, props in _user_task_properties(process):
            check_properties(file, element_id, props)
    return processes, design


def _compile(expr: spiff.Expression) -> None:
    text = expr.text
    try:
        if expr.mode == "dmn_cell":
            _compile_dmn_cell(text)
        else:
            compile(text, f"<{expr.element_id}>", expr.mode)
    except SyntaxError as exc:
        raise DeployError(
            expr.file, expr.element_id, f"{expr.kind} {text!r} is not valid Python: {exc.msg}"
        ) from None
    problem = _sandbox_problem(expr)
    if problem:
        raise DeployError(expr.file, expr.element_id, f"{expr.kind} {text!r} is refused: {problem}")
    if expr.kind == "timer":
        problem = spiff.timer_literal_problem(text)
        if problem:
            raise DeployError(expr.file, expr.element_id, problem)


def _sandbox_problem(expr: spiff.Expression) -> str | None:
    """Return why the sandbox would refuse ``expr`` at run time (imports, dunders, open…)."""
    if expr.mode != "dmn_cell":
        return sandbox.check(expr.text, "exec" if expr.mode == "exec" else "eval")
    # A cell runs as "<input> == <cell>", as "<input> <cell>" (e.g. "< 5"), or with "?" as input.
    text = expr.text.replace("?", "dmninputexpr")
    if "?" not in expr.text and not _parses(text):
        text = f"v {text}"
    return sandbox.check(text, "eval")


def _parses(text: str) -> bool:
    try:
        compile(text, "<dmn>", "eval")
    except SyntaxError:
        return False
    return True


def _compile_dmn_cell(text: str) -> None:
    # The same reading as SpiffWorkflow's DMNEngine: "?" stands for the input; otherwise a cell
    # is either a value (compared with ==) or an operator glued to the input expression.
    if "?" in text:
        compile(text.replace("?", "dmninputexpr"), "<dmn>", "eval")
        return
    try:
        compile(text, "<dmn>", "eval")
    except SyntaxError:
        compile(f"v {text}", "<dmn>", "eval")


def _user_task_properties(process: spiff.ParsedProcess) -> list[tuple[str, str, dict[str, str]]]:
    found = []
    for spec in [process.spec_set.spec, *process.spec_set.subprocess_specs.values()]:
        for ts in spec.task_specs.values():
            props = (getattr(ts, "extensions", None) or {}).get("properties")
            if props:
                found.append((spec.file, ts.bpmn_id or ts.name, dict(props)))
    return found


def check_properties(file: str, element_id: str, props: dict[str, str]) -> None:
    """Check ``formFields`` (JSON list of fields) and ``dueWorkingDays`` of one user task."""
    raw = props.get("formFields")
    if raw is not None:
        try:
            fields = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DeployError(file, element_id, f"formFields is not valid JSON: {exc}") from None
        if not isinstance(fields, list):
            raise DeployError(file, element_id, "formFields must be a JSON array of fields")
        names: set[str] = set()
        for field in fields:
            _check_field(file, element_id, field, names)
    # dueDate (ISO date-time, duration or ${variable}) is checked where notations are read.
    named = props.get("endsBy")
    if named is not None and not named.strip().isidentifier():
        raise DeployError(file, element_id, f"endsBy {named!r} is not a variable name")
    due = props.get("dueWorkingDays")
    if due is not None and not (due.strip().lstrip("-").isdigit() or due.strip().isidentifier()):
        raise DeployError(
            file, element_id, f"dueWorkingDays {due!r} is neither an integer nor a variable name"
        )


def _check_field(file: str, element_id: str, field: Any, names: set[str]) -> None:
    if not isinstance(field, dict) or not isinstance(field.get("name"), str):
        raise DeployError(file, element_id, f"formFields: {field!r} has no name")
    name = field["name"]
    if name in names:
        raise DeployError(file, element_id, f"formFields: field {name!r} is declared twice")
    names.add(name)
    if field.get("type") not in FIELD_TYPES:
        raise DeployError(
            file,
            element_id,
            f"formFields: field {name!r} has type {field.get('type')!r}; "
            f"expected one of {', '.join(sorted(FIELD_TYPES))}",
        )
    if "maxLength" in field:
        limit = field["maxLength"]
        if field["type"] not in ("text", "textarea") or not (
            isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= MAX_MAX_LENGTH
        ):
            raise DeployError(
                file,
                element_id,
                f"formFields: maxLength of field {name!r} must be an integer 1–{MAX_MAX_LENGTH} "
                "on a text or textarea field",
            )
    _check_constraints(file, element_id, field)
    if field["type"] == "choice":
        choices = field.get("choices")
        if not isinstance(choices, list) or not all(
            isinstance(c, dict) and "value" in c for c in choices
        ):
            raise DeployError(
                file,
                element_id,
                f"formFields: choice field {name!r} needs choices [{{value, label}}]",
            )

    if field["type"] == "checklist":
        options = field.get("options")
        if not (
            isinstance(options, dict)
            and all(
                isinstance(options.get(k), str) and options[k] for k in ("from", "value", "label")
            )
        ):
            raise DeployError(
                file,
                element_id,
                f"formFields: checklist field {name!r} needs options "
                '{"from": <list variable>, "value": <id key>, "label": <name key>}',
            )


def _check_constraints(file: str, element_id: str, field: dict[str, Any]) -> None:
    """Check ``min``/``max`` (numbers), ``minLength``, ``readonly`` and ``jsonSchema``."""
    name, kind = field["name"], field["type"]
    for key in ("min", "max"):
        if key in field and (
            kind not in ("integer", "number")
            or not isinstance(field[key], int | float)
            or isinstance(field[key], bool)
        ):
            raise DeployError(
                file, element_id, f"formFields: {key} of field {name!r} needs a number field"
            )
    if "minLength" in field and (
        kind not in ("text", "textarea")
        or not isinstance(field["minLength"], int)
        or isinstance(field["minLength"], bool)
        or field["minLength"] < 0
    ):
        raise DeployError(
            file, element_id, f"formFields: minLength of field {name!r} needs a text field"
        )
    if "readonly" in field and not isinstance(field["readonly"], bool):
        raise DeployError(file, element_id, f"formFields: readonly of field {name!r} is true/false")
    schema = field.get("jsonSchema")
    if schema is not None:
        import jsonschema

        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise DeployError(
                file, element_id, f"formFields: jsonSchema of field {name!r}: {exc.message}"
            ) from None


def group_roles(session: Session, process_id: str) -> dict[str, str]:
    """Return the designer group names of ``process_id`` mapped to roles (administration)."""
    rows = session.execute(
        select(ProcessGroupRole.group_name, ProcessGroupRole.role_code).where(
            ProcessGroupRole.process_id == process_id
        )
    )
    return {str(row[0]): str(row[1]) for row in rows}


def resolve_group(name: str, mapped: dict[str, str]) -> str | None:
    """Return the role a designer group name stands for (a role code, or its mapping)."""
    return name if name in ROLE_CODES else mapped.get(name)


def check_people(session: Session, process_id: str, design: notations.Design) -> None:
    """Refuse a process whose user tasks (or start) name groups or users nobody is.

    Every user task must be offered to someone: a lane or ``candidateGroups`` that is a role
    (or is mapped to one), a ``candidateUsers``/``assignee`` user, or the multi-instance item.
    """
    mapped = group_roles(session, process_id)
    hint = "map it to a role in Quản trị → Nhóm và làn"
    for task in design.tasks.get(process_id, []):
        if len(task.groups) > 1 or len(task.users) > 1:
            what = "candidateGroups" if len(task.groups) > 1 else "candidateUsers"
            raise DeployError(
                task.file,
                task.element_id,
                f"{what} names {len(task.groups if what == 'candidateGroups' else task.users)} "
                "entries; this engine offers a task to one group or one user",
            )
        someone = task.item_assigned
        for name in task.groups:
            if resolve_group(name, mapped) is None:
                raise DeployError(
                    task.file,
                    task.element_id,
                    f"candidate group {name!r} is neither a role nor mapped to one: {hint}",
                )
            someone = True
        for username in [*task.users, *([task.assignee] if task.assignee else [])]:
            if username.startswith("${"):
                someone = True
            elif session.scalar(select(User.id).where(User.username == username)) is None:
                raise DeployError(task.file, task.element_id, f"user {username!r} does not exist")
            else:
                someone = True
        if not task.groups and task.lane:
            if resolve_group(task.lane, mapped) is not None:
                someone = True
            elif not someone:
                raise DeployError(
                    task.file,
                    task.element_id,
                    f"no one can act on this user task: lane {task.lane!r} is neither a role "
                    f"nor mapped to one ({hint}), and it names no candidate or assignee",
                )
        if not someone:
            raise DeployError(
                task.file,
                task.element_id,
                "no one can act on this user task: it is in no lane and has no candidateGroups, "
                "candidateUsers or assignee",
            )
    start = design.starts.get(process_id)
    for name in start.groups if start is not None else []:
        if resolve_group(name, mapped) is None:
            raise DeployError(
                start.file if start is not None else "?",
                start.element_id if start is not None else None,
                f"starter group {name!r} is neither a role nor mapped to one: {hint}",
            )


def deploy_sources(
    session: Session, bpmn: dict[str, bytes], dmn: dict[str, bytes], actor_id: int | None
) -> list[WorkflowSpec]:
    """Store a new version of every process whose files changed; return the current specs.

    Runs inside the caller's transaction; nothing is written unless every file is valid.
    """
    processes, design = check(bpmn, dmn)
    for process in processes:
        check_people(session, process.process_id, design)
    result = []
    for process in processes:
        sources = {name: bpmn[name] for name in process.files if name in bpmn}
        sources.update(dmn)
        digest = content_hash(sources)
        existing = session.scalar(
            select(WorkflowSpec).where(
                WorkflowSpec.process_id == process.process_id,
                WorkflowSpec.content_hash == digest,
            )
        )
        latest = latest_spec(session, process.process_id)
        if existing is not None and latest is not None and latest.id == existing.id:
            result.append(existing)
            continue
        version = (
            session.scalar(
                select(func.max(WorkflowSpec.version)).where(
                    WorkflowSpec.process_id == process.process_id
                )
            )
            or 0
        ) + 1
        # Re-deploying an older content makes it current again under a new version number.
        row = WorkflowSpec(
            process_id=process.process_id,
            name=process.name,
            version=version,
            content_hash=digest if existing is None else f"{digest[:56]}{version:08d}",
            serialized=spiff.dump_spec(process.spec_set),
            sources={name: xml.decode("utf-8") for name, xml in sources.items()},
            deployed_by=actor_id,
            design=design.to_json(process.process_id, process.files),
        )
        session.add(row)
        session.flush()
        cache = wiring.of(session).specs
        with cache.lock:
            cache.by_key[(row.process_id, row.content_hash)] = process.spec_set
        result.append(row)
    return result


def latest_spec(session: Session, process_id: str) -> WorkflowSpec | None:
    """Return the newest deployed version of ``process_id``."""
    return session.scalar(
        select(WorkflowSpec)
        .where(WorkflowSpec.process_id == process_id)
        .order_by(WorkflowSpec.version.desc())
        .limit(1)
    )


def current_spec(session: Session, process_id: str) -> WorkflowSpec:
    """Return the version new instances of ``process_id`` start on; NotFound if none."""
    spec = latest_spec(session, process_id)
    if spec is None:
        raise NotFound(f"Quy trình «{process_id}» chưa được triển khai.")
    return spec


def spec_set_for(session: Session, row: WorkflowSpec) -> spiff.SpecSet:
    """Return the parsed spec of a deployed row, from the runtime's cache when possible."""
    cache = wiring.of(session).specs
    key = (row.process_id, row.content_hash)
    cached = cache.by_key.get(key)
    if cached is not None:
        return cached
    loaded = spiff.load_spec(row.serialized)
    with cache.lock:
        return cache.by_key.setdefault(key, loaded)


def element_properties(session: Session, spec_id: int, element_id: str) -> dict[str, str]:
    """Return the properties of a user task of deployed spec ``spec_id`` (no workflow loaded)."""
    return spiff.element_properties(spec_set_for_id(session, spec_id), element_id)


def spec_set_for_id(session: Session, spec_id: int) -> spiff.SpecSet:
    """Return the parsed spec of deployed row ``spec_id``, without a query once cached."""
    cache = wiring.of(session).specs
    cached = cache.by_id.get(spec_id)
    if cached is not None:
        return cached
    row = session.get(WorkflowSpec, spec_id)
    if row is None:
        raise NotFound(f"Phiên bản quy trình #{spec_id} không tồn tại.")
    spec_set = spec_set_for(session, row)
    with cache.lock:
        cache.by_id[spec_id] = spec_set
    return spec_set
