"""Fill the agency's DOCX templates (docxtpl: Jinja inside Word) and write XLSX lists."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from sqlalchemy.orm import Session

from engine.documents import context as ctx
from engine.documents.xlsx import XLSX_MIMETYPE, export_xlsx
from engine.text import N_

#: The templates the agency edits (workflows/templates/README.md).
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "workflows" / "templates"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document: its Vietnamese name, template (None for XLSX) and file name."""

    code: str
    name: str
    template: str | None
    filename: str
    #: The type of document in its number ("TTr" in "45/TTr-SKHCN"); None when it has none.
    number_code: str | None = None


KINDS: dict[str, DocumentKind] = {
    k.code: k
    for k in (
        DocumentKind(
            "submission", N_("Tờ trình đề nghị khen thưởng"), "to_trinh.docx", "to-trinh", "TTr"
        ),
        DocumentKind(
            "nominee_list",
            N_("Danh sách đề nghị khen thưởng"),
            "danh_sach_de_nghi.docx",
            "danh-sach",
        ),
        DocumentKind(
            "nominee_list_xlsx", N_("Danh sách đề nghị khen thưởng (Excel)"), None, "danh-sach"
        ),
        DocumentKind(
            "decision", N_("Dự thảo Quyết định khen thưởng"), "quyet_dinh.docx", "quyet-dinh", "QĐ"
        ),
        DocumentKind(
            "minutes",
            N_("Biên bản họp Hội đồng TĐKT"),
            "bien_ban_hoi_dong.docx",
            "bien-ban-hop",
            "BB",
        ),
    )
}


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered file: its download name, MIME type and bytes."""

    filename: str
    mimetype: str
    content: bytes


def agency_info(template_dir: Path = TEMPLATE_DIR) -> dict[str, Any]:
    """Return the agency's names and signer from ``agency.json`` next to the templates."""
    data: dict[str, Any] = json.loads((template_dir / "agency.json").read_text("utf-8"))
    return data


def render_docx(template: str, context: dict[str, Any], template_dir: Path = TEMPLATE_DIR) -> bytes:
    """Return the DOCX made from ``template`` filled with ``context`` (values XML-escaped)."""
    document = DocxTemplate(template_dir / template)
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_document(
    session: Session,
    kind: str,
    params: dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
    template_dir: Path = TEMPLATE_DIR,
) -> RenderedDocument:
    """Render a document of ``kind`` from ``params`` (ids and options only).

    params: ``dossier_ids`` (list of int) for submission, nominee_list(_xlsx) and decision, or
    ``session_id`` for minutes; optional ``number`` (the document's number, "45"; its own suffix
    "45/TTr-SKHCN" is accepted and dropped, see ``context.document_number``), ``on`` (ISO date),
    ``recipient``.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ctx.DocumentInputError(N_("Không có loại văn bản “%(kind)s”.", kind=kind))
    agency = agency_info(template_dir)
    on = date.fromisoformat(params["on"]) if params.get("on") else date.today()
    number = ctx.document_number(
        str(params.get("number") or ""), spec.number_code, str(agency.get("symbol", ""))
    )
    if kind == "minutes":
        context = ctx.minutes_context(session, int(params["session_id"]), agency, number)
        stamp = f"{spec.filename}-{params['session_id']}"
    else:
        ids = [int(i) for i in params.get("dossier_ids", [])]
        context = ctx.list_context(
            session, ids, agency, number, on, progress, params.get("recipient")
        )
        stamp = f"{spec.filename}-{on.isoformat()}"
    if spec.template is None:
        rows = [r.as_list() for r in context["row_objects"]]
        totals = context["totals"]
        footer = [
            "",
            N_(
                "Tổng cộng: %(collective)s tập thể, %(individual)s cá nhân",
                collective=totals["collective"],
                individual=totals["individual"],
            ),
        ]
        content = export_xlsx(
            ctx.NOMINEE_HEADERS,
            rows,
            N_("Danh sách đề nghị"),
            heading=N_("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"),
            footer=footer,
        )
        return RenderedDocument(f"{stamp}.xlsx", XLSX_MIMETYPE, content)
    content = render_docx(spec.template, context, template_dir)
    return RenderedDocument(f"{stamp}.docx", DOCX_MIMETYPE, content)
