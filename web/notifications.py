"""The bell, the notification list, the e-mail preference and the failed e-mails page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from engine import notify, permissions
from engine.models import User
from engine.models.base import utcnow
from web.common import require_login
from web.context import db

bp = Blueprint("notifications", __name__)
require_login(bp)

KIND_LABELS = {
    "task_ready": _l("Việc mới"),
    "task_assigned": _l("Được giao việc"),
    "due_soon": _l("Sắp đến hạn"),
    "due_today": _l("Đến hạn"),
    "overdue": _l("Quá hạn"),
    "escalated": _l("Báo cáo quá hạn"),
    "dossier_returned": _l("Trả lại hồ sơ"),
    "dossier_decided": _l("Kết quả hồ sơ"),
    "campaign_opened": _l("Phát động phong trào"),
    "due_changed": _l("Đổi hạn xử lý"),
}
KIND_TONES = {
    "due_soon": "warning",
    "due_today": "warning",
    "overdue": "danger",
    "escalated": "danger",
}


def unread_counter(user: User) -> dict[str, int]:
    """Give the navigation bell its unread count (create_app hands it to web/nav.py)."""
    return {"unread": notify.unread_count(db(), user.id)}


@bp.get("/notifications")
def index() -> str:
    return _index()


def _index() -> str:
    return render_template(
        "notifications/index.html",
        items=notify.recent_items(db(), current_user.id),
        kind_labels=KIND_LABELS,
        kind_tones=KIND_TONES,
        email_mode=current_user.email_mode,
        language=current_user.language,
    )


@bp.post("/notifications/<int:notification_id>/open")
def open_one(notification_id: int) -> Response:
    """Mark the notification read and follow its link."""
    session = db()
    note = next(
        (n for n in notify.recent(session, current_user.id, 1000) if n.id == notification_id), None
    )
    if note is None:
        abort(404)
    notify.mark_read(session, current_user.id, notification_id)
    return redirect(note.link)


@bp.post("/notifications/read-all")
def read_all() -> Response:
    count = notify.mark_read(db(), current_user.id)
    flash(_("Đã đánh dấu %(count)s thông báo là đã đọc.", count=count), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/email-mode")
def email_mode() -> Response:
    mode = request.form.get("email_mode", "")
    if mode not in ("immediate", "digest"):
        abort(400)
    notify.set_email_mode(db(), current_user.id, mode)
    flash(
        _("Đã chọn nhận thư tổng hợp mỗi ngày.")
        if mode == "digest"
        else _("Đã chọn nhận thư ngay khi có thông báo."),
        "success",
    )
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/language")
def language() -> Response | tuple[str, int]:
    """Keep the user's language: the pages and the e-mails follow it."""
    code = request.form.get("language", "")
    if code not in notify.LANGUAGES:
        flash(_("Chọn một ngôn ngữ."), "danger")
        return _index(), 422
    notify.set_language(db(), current_user.id, code)
    session["lang"] = code
    flash(_("Đã lưu ngôn ngữ của giao diện và thư điện tử."), "success")
    return redirect(url_for("notifications.index"))


@bp.get("/admin/outbox/failed")
def failed() -> str:
    if not permissions.may_administer(current_user.user, "outbox"):
        abort(403)
    return render_template("notifications/failed.html", rows=notify.failed_messages(db()))


@bp.post("/admin/outbox/<int:outbox_id>/retry")
def retry(outbox_id: int) -> Response:
    if not permissions.may_administer(current_user.user, "outbox"):
        abort(403)
    if notify.retry_failed(db(), outbox_id, utcnow()):
        flash(_("Đã đưa thư #%(outbox_id)s vào hàng gửi lại.", outbox_id=outbox_id), "success")
    else:
        flash(_("Thư #%(outbox_id)s không ở trạng thái gửi lỗi.", outbox_id=outbox_id), "warning")
    return redirect(url_for("notifications.failed"))
