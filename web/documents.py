"""Documents page: Tờ trình, Danh sách, Quyết định, Biên bản; large batches in the background."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from engine import permissions
from engine.db import as_id
from engine.documents.context import (
    SCOPES,
    DocumentInputError,
    document_number,
    dossier_ids_for,
)
from engine.documents.jobs import (
    BACKGROUND_THRESHOLD,
    document_file,
    request_document,
)
from engine.documents.render import KINDS, agency_info, render_document
from engine.domain.rules.titles import title_codes
from engine.models import Campaign, CouncilSession, GeneratedDocument
from tasks.documents import render
from web.common import file_response
from web.context import db, runtime
from web.i18n import title_name, translate
from web.reporting import require_manager

bp = Blueprint("documents", __name__, url_prefix="/documents")
bp.before_request(require_manager)

RECENT = 20
#: The scopes of engine.documents.context.SCOPES as the page names them (translated here).
SCOPE_LABELS = {
    "director": _l("Giám đốc Sở quyết định (đã qua Hội đồng)"),
    "province": _l("Trình Chủ tịch UBND tỉnh (đã qua Hội đồng)"),
    "session": _l("Hồ sơ của một phiên họp Hội đồng"),
}


def _download(filename: str, mimetype: str, content: bytes) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@bp.get("/")
def index() -> str:
    session = db()
    return render_template(
        "documents/index.html",
        kinds={k: translate(v.name) for k, v in KINDS.items() if k != "minutes"},
        campaigns=session.scalars(select(Campaign).order_by(Campaign.year.desc())).all(),
        councils=session.scalars(
            select(CouncilSession).order_by(CouncilSession.meeting_date.desc())
        ).all(),
        titles=[(c, title_name(c)) for c in title_codes()],
        scopes={code: SCOPE_LABELS[code] for code in SCOPES},
        documents=session.scalars(
            select(GeneratedDocument)
            .where(GeneratedDocument.requested_by == current_user.id)
            .order_by(GeneratedDocument.created_at.desc())
            .limit(RECENT)
        ).all(),
        kind_names={k: v.name for k, v in KINDS.items()},
        threshold=BACKGROUND_THRESHOLD,
    )


@bp.post("/generate")
def generate() -> WerkzeugResponse:
    """Render a small document at once; queue a large one for a worker and show its progress."""
    session = db()
    kind = request.form.get("kind", "")
    params: dict[str, Any] = {
        "number": request.form.get("number", "").strip(),
        "on": request.form.get("on") or None,
    }
    if kind == "minutes":
        params["session_id"] = as_id(request.form.get("session_id"))
        count = 1
    try:
        if kind != "minutes":
            # The document's own dossiers only (decided by the director, for the province, of a
            # council session), never the whole campaign.
            params["dossier_ids"] = dossier_ids_for(
                session,
                kind,
                request.form.get("scope") or None,
                campaign_id=as_id(request.form.get("campaign_id")),
                session_id=as_id(request.form.get("council_session_id")),
                title_code=request.form.get("title") or None,
            )
            count = len(params["dossier_ids"])
            if not count:
                raise DocumentInputError(
                    _(
                        "Chưa có hồ sơ nào thuộc văn bản này (hồ sơ đã qua Hội đồng, đúng cấp "
                        "quyết định, hoặc của phiên họp đã chọn)."
                    )
                )
        if kind in KINDS:  # checked before a worker is asked, not only when it renders
            params["number"] = document_number(
                params["number"], KINDS[kind].number_code, str(agency_info().get("symbol", ""))
            )
        if count <= BACKGROUND_THRESHOLD:
            rendered = render_document(session, kind, params)
            return _download(rendered.filename, rendered.mimetype, rendered.content)
        document = request_document(session, kind, params, current_user.id, count)
    except (DocumentInputError, KeyError, TypeError) as exc:
        flash(
            str(exc) if isinstance(exc, DocumentInputError) else _("Yêu cầu không hợp lệ."), "error"
        )
        return redirect(url_for("documents.index"))
    _enqueue(document.id)
    flash(
        _("Đang tạo văn bản cho %(count)s hồ sơ; trang này cập nhật tiến độ.", count=count), "info"
    )
    return redirect(url_for("documents.index"))


def _enqueue(document_id: int) -> None:
    """Send the id to a worker (after the commit that recorded the request)."""
    render.delay(document_id)


def _own_document(document_id: int) -> GeneratedDocument:
    document = db().get(GeneratedDocument, document_id)
    if document is None or not permissions.may_download(current_user.user, document):
        abort(404)
    return document


@bp.get("/<int:document_id>/status")
def status(document_id: int) -> str:
    """Return the document's row; htmx polls it while the worker renders."""
    return render_template(
        "documents/_row.html",
        d=_own_document(document_id),
        kind_names={k: v.name for k, v in KINDS.items()},
    )


@bp.get("/<int:document_id>/download")
def download(document_id: int) -> Response:
    document = _own_document(document_id)
    stream = document_file(document, runtime().files)
    if stream is None or document.filename is None:
        abort(404)
    kind = KINDS[document.kind]
    mimetype = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if kind.template is None
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return file_response(
        stream, document.filename, mimetype, runtime().files.size(document.file_path or "")
    )
