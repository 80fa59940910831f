"""Deploying BPMN/DMN: validate everything, store each process spec once by hash, cache it.

A deploy checks the XML schema, parses with SpiffWorkflow, and compiles every piece of Python a
model holds (gateway conditions, timer expressions, scripts, DMN cells) plus the ``formFields``
and ``dueWorkingDays`` properties, so a typo is refused at deploy and never met by a reviewer.
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
from engine.models import WorkflowSpec
from engine.text import N_
from engine.workflow import sandbox, spiff
from engine.workflow.forms import MAX_MAX_LENGTH

FIELD_TYPES = frozenset({"text", "textarea", "choice", "boolean", "integer", "date", "ballot"})


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
    """Return ({name: xml} of BPMN, {name: xml} of DMN) for files and folders in ``paths``."""
    files: dict[str, bytes] = {}
    for path in paths:
        found = sorted(path.glob("*")) if path.is_dir() else [path]
        for file in found:
            if path.is_dir() and file.suffix.lower() not in (".bpmn", ".dmn"):
                continue
            if file.suffix.lower() not in (".bpmn", ".dmn"):
                raise DeployError(file.name, None, "not a .bpmn or .dmn file")
            try:
                files[file.name] = file.read_bytes()
            except OSError as exc:
                raise DeployError(file.name, None, f"cannot read: {exc.strerror}") from None
    return split_sources(files, ", ".join(str(p) for p in paths))


def split_sources(
    files: dict[str, bytes], where: str | None = None
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Sort {name: content} into (BPMN, DMN); refuse other files and a set without BPMN."""
    bpmn: dict[str, bytes] = {}
    dmn: dict[str, bytes] = {}
    for name, content in files.items():
        target = {".bpmn": bpmn, ".dmn": dmn}.get(Path(name).suffix.lower())
        if target is None:
            raise DeployError(name, None, "not a .bpmn or .dmn file")
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
    try:
        processes, parser = spiff.parse(bpmn, dmn)
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
    return processes


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


def deploy_sources(
    session: Session, bpmn: dict[str, bytes], dmn: dict[str, bytes], actor_id: int | None
) -> list[WorkflowSpec]:
    """Store a new version of every process whose files changed; return the current specs.

    Runs inside the caller's transaction; nothing is written unless every file is valid.
    """
    processes = validate(bpmn, dmn)
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
        raise NotFound(
            N_("Quy trình «%(process_id)s» chưa được triển khai.", process_id=process_id)
        )
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


def spec_set_for_id(session: Session, spec_id: int) -> spiff.SpecSet:
    """Return the parsed spec of deployed row ``spec_id``, without a query once cached."""
    cache = wiring.of(session).specs
    cached = cache.by_id.get(spec_id)
    if cached is not None:
        return cached
    row = session.get(WorkflowSpec, spec_id)
    if row is None:
        raise NotFound(N_("Phiên bản quy trình #%(spec_id)s không tồn tại.", spec_id=spec_id))
    spec_set = spec_set_for(session, row)
    with cache.lock:
        cache.by_id[spec_id] = spec_set
    return spec_set
