"""My notifications: the list (newest first) and marking them read."""

from __future__ import annotations

from typing import Any

from flask import Response
from pydantic import AwareDatetime, Field

from engine import notify
from engine.errors import NotFound
from web.api import schemas
from web.api.base import api_user, dump, operation, page_and_size, paged
from web.context import db

TAG = "notifications"
#: The most notifications the list reaches back (engine.notify.recent).
MAX_LISTED = 1000


class NotificationInfo(schemas.Model):
    id: int
    kind: str
    subject: str
    body: str
    link: str = Field(description="The page it is about, relative to the site")
    task_id: int | None
    dossier_id: int | None
    created_at: AwareDatetime
    read_at: AwareDatetime | None


class ReadCount(schemas.Model):
    marked: int


def _info(n: Any) -> dict[str, Any]:
    return dump(
        NotificationInfo(
            id=n.id,
            kind=n.kind,
            subject=n.subject,
            body=n.body,
            link=n.link,
            task_id=n.task_id,
            dossier_id=n.dossier_id,
            created_at=n.created_at,
            read_at=n.read_at,
        )
    )


@operation(
    "GET",
    "/notifications",
    "list_notifications",
    TAG,
    "My notifications, newest first (the X-Unread-Count header counts the unread)",
    response=schemas.page_of(NotificationInfo),
    errors=(400,),
    paged=True,
)
def list_notifications() -> Response:
    number, per_page = page_and_size()
    notes = notify.recent(db(), api_user().id, MAX_LISTED)
    start = (number - 1) * per_page
    response = paged(
        [_info(n) for n in notes[start : start + per_page]], len(notes), number, per_page
    )
    response.headers["X-Unread-Count"] = str(notify.unread_count(db(), api_user().id))
    return response


@operation(
    "POST",
    "/notifications/<int:notification_id>/read",
    "mark_notification_read",
    TAG,
    "Mark one of my notifications read",
    response=ReadCount,
    errors=(404,),
)
def mark_read(notification_id: int) -> dict[str, Any]:
    user = api_user()
    if notify.notification_for(db(), user.id, notification_id) is None:
        raise NotFound("Không tìm thấy thông báo.")
    return dump(ReadCount(marked=notify.mark_read(db(), user.id, notification_id)))


@operation(
    "POST",
    "/notifications/read-all",
    "mark_all_notifications_read",
    TAG,
    "Mark all my notifications read",
    response=ReadCount,
)
def mark_all_read() -> dict[str, Any]:
    return dump(ReadCount(marked=notify.mark_read(db(), api_user().id)))
