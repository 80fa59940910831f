"""The system status page: the workers' and beats' heartbeats, queues, figures, the file store."""

from __future__ import annotations

from flask import render_template

from engine.migrate import current_revision, head_revision
from engine.models.base import utcnow
from engine.read.operations_figures import read_figures
from engine.redis_service import RedisUnavailable
from tasks.health import background_status
from web.admin import bp, section
from web.context import db, runtime
from web.ops import queue_lengths


@bp.get("/status")
@section("system")
def status() -> str:
    rt = runtime()
    try:
        background = background_status(rt.redis_url)
        queues = queue_lengths(rt.redis_url)
        redis_error = None
    except (RedisUnavailable, OSError) as exc:
        background, queues, redis_error = None, {}, str(exc)
    return render_template(
        "admin/status.html",
        background=background,
        queues=queues,
        redis_error=redis_error,
        figures=read_figures(db(), utcnow()),
        files=rt.files.describe(),
        revision=current_revision(db().connection()),
        head=head_revision(),
    )
