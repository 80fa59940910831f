"""Workflow versions: list, upload (deploy), diagram, check and migrate running instances."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.admin import reads
from engine.errors import DeployError, EngineError
from engine.models import WorkflowSpec
from engine.workflow import operations
from web.admin import bp, section
from web.common import actor
from web.context import db
from web.inputs import chosen_ids


def _page(error: DeployError | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("admin/versions.html", rows=reads.versions(db()), error=error), status


@bp.get("/versions")
@section("versions")
def versions() -> tuple[str, int]:
    return _page()


@bp.post("/versions")
@section("versions")
def upload() -> Any:
    files = {f.filename: f.read() for f in request.files.getlist("files") if f and f.filename}
    if not files:
        return _page(DeployError("?", None, "chưa chọn tệp .bpmn, .dmn hoặc .json nào"), 422)
    try:
        deployed = operations.deploy_texts(db(), files, actor().id)
    except DeployError as exc:
        return _page(exc, 422)
    flash(
        "Đã triển khai: "
        + ", ".join(f"{row.process_id} phiên bản {row.version}" for row in deployed),
        "success",
    )
    for row in deployed:
        for warning in (row.design or {}).get("warnings") or []:
            flash(_("Cảnh báo: %(text)s", text=warning_text(warning)), "warning")
    return redirect(url_for("admin.versions"))


def warning_text(warning: dict[str, Any]) -> str:
    """Return a stored deploy warning as one line: file, element, message."""
    where = warning["file"] + (f": element {warning['element']}" if warning.get("element") else "")
    return f"{where}: {warning['message']}"


def _spec(spec_id: int) -> WorkflowSpec:
    spec = db().get(WorkflowSpec, spec_id)
    if spec is None:
        abort(404)
    return spec


def _version_page(
    spec: WorkflowSpec, results: dict[int, tuple[bool, list[str]]] | None = None
) -> str:
    return render_template(
        "admin/version.html",
        spec=spec,
        diagram=reads.diagram_file(spec),
        instances=reads.movable_instances(db(), spec),
        results=results or {},
        selected=set(chosen_ids("instance_id")),
    )


@bp.get("/versions/<int:spec_id>")
@section("versions")
def version(spec_id: int) -> str:
    return _version_page(_spec(spec_id))


@bp.get("/versions/<int:spec_id>/sources/<path:name>")
@section("versions")
def source(spec_id: int, name: str) -> Response:
    """Serve one deployed file's XML, as stored (the diagram viewer reads it)."""
    text = _spec(spec_id).sources.get(name)
    if text is None:
        abort(404)
    return Response(text, mimetype="application/xml")


def _selected() -> list[int]:
    return sorted(chosen_ids("instance_id"))


@bp.post("/versions/<int:spec_id>/check")
@section("versions")
def check(spec_id: int) -> str:
    spec = _spec(spec_id)
    results = {}
    for instance_id in _selected():
        try:
            found = operations.check_migration(db(), instance_id, spec.id)
            results[instance_id] = (found.ok, found.reasons)
        except EngineError as exc:
            results[instance_id] = (False, [exc.message])
    return _version_page(spec, results)


@bp.post("/versions/<int:spec_id>/migrate")
@section("versions")
def migrate(spec_id: int) -> str:
    spec = _spec(spec_id)
    results = {}
    for instance_id in _selected():
        try:
            operations.migrate(db(), instance_id, spec.id, actor())
            results[instance_id] = (True, ["Đã chuyển sang phiên bản này."])
        except EngineError as exc:
            results[instance_id] = (False, [exc.message])
    moved = sum(1 for ok, _ in results.values() if ok)
    flash(f"Đã chuyển {moved}/{len(results)} quy trình sang phiên bản {spec.version}.", "info")
    return _version_page(spec, results)
