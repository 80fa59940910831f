"""The in-browser modeler of a workflow version: edit its BPMN, check it, deploy a new version.

The page loads bpmn-js's Modeler (vendored like the viewer) on the version's diagram file, or
dmn-js's Modeler on one of its DMN tables (``?file=routing.dmn``); the
check and the deploy post the edited XML as JSON and answer with the deploy check's refusal or
warnings, element by element, which the page marks on the diagram (web/static/js/modeler.js).
Running instances stay on their version: the new version's page offers the existing
diff/migration check before any is moved.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for

from engine.admin import reads
from engine.errors import DeployError
from engine.models import WorkflowSpec
from engine.workflow import operations
from web.admin import bp, section
from web.admin.versions import _spec
from web.common import actor
from web.context import db

#: The largest BPMN the modeler posts (the procedure's largest file is about 60 KB).
MAX_XML_BYTES = 2 * 1024 * 1024


def _editable(spec: WorkflowSpec, name: str | None) -> str:
    """Return the version's file the modeler edits: ``name`` (a .bpmn or .dmn of the version) or
    the diagram of its process; 404 for anything else."""
    chosen = name or reads.diagram_file(spec)
    if chosen is None or chosen not in spec.sources:
        abort(404)
    if not chosen.lower().endswith((".bpmn", ".dmn")):
        abort(404)
    return chosen


def _files(spec_id: int) -> tuple[str, dict[str, bytes]]:
    """Return (the edited file's name, the version's files with the posted XML in its place)."""
    spec = _spec(spec_id)
    if (request.content_length or 0) > MAX_XML_BYTES:
        abort(413)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("xml"), str):
        abort(400)
    file = payload.get("file")
    name = _editable(spec, file if isinstance(file, str) else None)
    files = {n: text.encode("utf-8") for n, text in spec.sources.items()}
    files[name] = payload["xml"].encode("utf-8")
    return name, files


def _error(exc: DeployError) -> dict[str, Any]:
    return {
        "file": exc.file,
        "element": exc.element_id,
        "problem": exc.problem,
        "text": exc.message,
    }


@bp.get("/versions/<int:spec_id>/modeler")
@section("versions")
def modeler(spec_id: int) -> str:
    spec = _spec(spec_id)
    name = _editable(spec, request.args.get("file"))
    editable = sorted(n for n in spec.sources if n.lower().endswith((".bpmn", ".dmn")))
    kind = "dmn" if name.lower().endswith(".dmn") else "bpmn"
    return render_template(
        "admin/modeler.html", spec=spec, diagram=name, kind=kind, editable=editable
    )


@bp.post("/versions/<int:spec_id>/modeler/check")
@section("versions")
def modeler_check(spec_id: int) -> tuple[dict[str, Any], int]:
    _name, files = _files(spec_id)
    found = operations.check_texts(db(), files)
    if found.error is not None:
        return {"ok": False, "error": _error(found.error), "warnings": []}, 200
    return {"ok": True, "error": None, "warnings": found.warnings}, 200


@bp.post("/versions/<int:spec_id>/modeler/deploy")
@section("versions")
def modeler_deploy(spec_id: int) -> tuple[dict[str, Any], int]:
    _name, files = _files(spec_id)
    try:
        deployed = operations.deploy_texts(db(), files, actor().id)
    except DeployError as exc:
        return {"ok": False, "error": _error(exc), "warnings": []}, 422
    return {
        "ok": True,
        "error": None,
        "versions": [
            {
                "process_id": row.process_id,
                "version": row.version,
                "url": url_for("admin.version", spec_id=row.id),
                "warnings": (row.design or {}).get("warnings") or [],
            }
            for row in deployed
        ],
    }, 200
