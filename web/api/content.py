"""Attachments (upload to a task's dossier, list, download) and comments on a dossier."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from pydantic import Field

from engine import permissions
from engine.domain import content
from engine.errors import ValidationFailed
from engine.files import FileStore
from engine.read import queries
from web.api import schemas
from web.api.base import api_user, body, dump, operation
from web.api.params import ID
from web.common import file_response
from web.context import db, runtime

TAG = "content"


class AttachmentList(schemas.Model):
    items: list[schemas.AttachmentInfo]


class CommentList(schemas.Model):
    items: list[schemas.CommentInfo]


class CommentRequest(schemas.Model):
    body: str = Field(min_length=1, max_length=content.MAX_COMMENT_CHARS)
    task_id: int | None = Field(
        default=None, ge=1, le=ID["maximum"], description="The step the comment is about"
    )


def _store() -> FileStore:
    return runtime().files


@operation(
    "GET",
    "/dossiers/<int:dossier_id>/attachments",
    "list_attachments",
    TAG,
    "The dossier's attachments in upload order",
    response=AttachmentList,
    errors=(404,),
)
def list_attachments(dossier_id: int) -> dict[str, Any]:
    permissions.visible_dossier(db(), api_user(), dossier_id)
    items = [schemas.AttachmentInfo.of(a) for a in queries.attachments(db(), dossier_id)]
    return dump(AttachmentList(items=items))


@operation(
    "POST",
    "/tasks/<int:task_id>/attachments",
    "upload_attachment",
    TAG,
    "Attach a file (PDF, DOCX, XLSX, images…) to the dossier of a task I act on",
    response=schemas.AttachmentInfo,
    status=201,
    errors=(400, 403, 404, 413, 422),
    form={"file": {"type": "string", "format": "binary"}},
)
def upload_attachment(task_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed("Chưa chọn tệp.", {"file": "Chưa chọn tệp."})
    settings = runtime().settings
    attachment = content.add_attachment(
        db(),
        _store(),
        task_id,
        api_user(),
        upload.filename,
        upload.stream,
        settings.upload_max_mb * 1024 * 1024,
    )
    location = url_for("api.download_attachment", attachment_id=attachment.id)
    return dump(schemas.AttachmentInfo.of(attachment)), 201, {"Location": location}


@operation(
    "GET",
    "/attachments/<int:attachment_id>",
    "download_attachment",
    TAG,
    "Download an attachment (its ETag is the file's SHA-256)",
    response=None,
    errors=(404,),
    media="application/octet-stream",
)
def download_attachment(attachment_id: int) -> Response:
    # The same check and stream as the page's download (web/dossiers.py), from the file store.
    attachment, stream = content.attachment_file(db(), _store(), api_user(), attachment_id)
    return file_response(
        stream, attachment.filename, attachment.content_type, attachment.size, attachment.sha256
    )


@operation(
    "GET",
    "/dossiers/<int:dossier_id>/comments",
    "list_comments",
    TAG,
    "The dossier's comments in order",
    response=CommentList,
    errors=(404,),
)
def list_comments(dossier_id: int) -> dict[str, Any]:
    permissions.visible_dossier(db(), api_user(), dossier_id)
    items = [schemas.CommentInfo.of(c) for c in queries.comments(db(), dossier_id)]
    return dump(CommentList(items=items))


@operation(
    "POST",
    "/dossiers/<int:dossier_id>/comments",
    "add_comment",
    TAG,
    "Comment on a dossier I may see",
    response=schemas.CommentInfo,
    status=201,
    errors=(400, 404, 422),
    body=CommentRequest,
)
def add_comment(dossier_id: int) -> tuple[dict[str, Any], int]:
    data = body(CommentRequest)
    comment = content.add_comment(db(), dossier_id, api_user(), data.body, data.task_id)
    return dump(schemas.CommentInfo.of(comment)), 201
