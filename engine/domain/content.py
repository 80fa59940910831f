"""Attachments and comments on a dossier: checked, stored, audited, one unit of work each.

Like engine operations, each function runs in ``unit_of_work`` (committing unless a caller's unit
encloses it) and raises EngineError subclasses the web maps to pages and JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from engine import files, permissions
from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.files import FileStore
from engine.models import Attachment, AuditEvent, Comment, HumanTask, User
from engine.text import N_
from engine.unit_of_work import unit_of_work

#: Extension → (content type served, magic bytes the file must start with).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
}
MAX_COMMENT_CHARS = 5000


def _check_type(filename: str, head: bytes) -> str:
    return files.check_type(filename, head, ALLOWED_TYPES)


def add_attachment(
    session: Session,
    store: FileStore,
    task_id: int,
    actor: User,
    filename: str,
    stream: IO[bytes],
    max_bytes: int,
) -> Attachment:
    """Attach a file to the task's dossier; only whoever may act on the open task may.

    The bytes go to ``store`` (the runtime's file store, ``runtime.files``) in the same unit of
    work as the row when the store is the database.
    """
    filename = Path(filename.replace("\\", "/")).name.strip()[:255]
    if not filename:
        raise ValidationFailed(N_("Chưa chọn tệp."), {"file": N_("Chưa chọn tệp.")})
    with unit_of_work(session):
        task = permissions.visible_task(session, actor, task_id)
        if task.dossier_id is None:
            raise NotFound(N_("Việc này không gắn với hồ sơ nào."))
        if not permissions.may_act(actor, task):
            raise Forbidden(N_("Bạn không xử lý việc này nên không thể đính kèm tệp."))
        head = stream.read(files.HEAD_BYTES)
        content_type = _check_type(filename, head)
        stored = store.put(stream, session=session, max_bytes=max_bytes, head=head)
        sha, size = stored.key, stored.size
        attachment = Attachment(
            dossier_id=task.dossier_id,
            task_id=task.id,
            filename=filename,
            content_type=content_type,
            size=size,
            sha256=sha,
            uploaded_by=actor.id,
        )
        session.add(attachment)
        session.flush()
        _audit(session, actor, task, "attachment_added", {"filename": filename, "sha256": sha})
    return attachment


def add_comment(
    session: Session, dossier_id: int, actor: User, body: str, task_id: int | None = None
) -> Comment:
    """Add a comment to a dossier the actor may see."""
    body = body.strip()
    if not body:
        raise ValidationFailed(N_("Chưa nhập nội dung."), {"body": N_("Chưa nhập nội dung.")})
    if len(body) > MAX_COMMENT_CHARS:
        message = N_(
            "Ý kiến dài quá %(MAX_COMMENT_CHARS)s ký tự (đã nhập %(count)s).",
            MAX_COMMENT_CHARS=MAX_COMMENT_CHARS,
            count=len(body),
        )
        raise ValidationFailed(N_("Ý kiến quá dài."), {"body": message})
    with unit_of_work(session):
        dossier = permissions.visible_dossier(session, actor, dossier_id)
        task = session.get(HumanTask, task_id) if task_id is not None else None
        comment = Comment(
            dossier_id=dossier.id,
            task_id=task.id if task and task.dossier_id == dossier.id else None,
            author_id=actor.id,
            body=body,
        )
        session.add(comment)
        session.flush()
        session.add(
            AuditEvent(
                actor_id=actor.id,
                action="comment_added",
                dossier_id=dossier.id,
                summary={"comment_id": comment.id},
            )
        )
    return comment


def _audit(
    session: Session, actor: User, task: HumanTask, action: str, summary: dict[str, str]
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.id,
            action=action,
            instance_id=task.instance_id,
            dossier_id=task.dossier_id,
            task_id=task.id,
            summary=summary,
        )
    )


def attachment_file(
    session: Session, store: FileStore, actor: User, attachment_id: int
) -> tuple[Attachment, IO[bytes]]:
    """Return an attachment the actor may see and a stream of its bytes (close it after use).

    NotFound when there is no such attachment, the actor may not see its dossier, or its bytes
    are not in the store.
    """
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    permissions.visible_dossier(session, actor, attachment.dossier_id)
    return attachment, store.open(attachment.sha256)
