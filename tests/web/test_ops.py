"""Liveness, readiness, /metrics, request ids in JSON logs, and the admin status page."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from engine import logs
from engine.config import Settings
from engine.redis_service import client_url
from tasks import health
from tests.common.worlds import World
from tests.web.conftest import csrf_token, sign_in
from tests.web.test_permissions import REVIEW

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def app(settings: Settings, clean_db: object) -> Iterator[Flask]:
    from web.app import create_app

    flask_app = create_app(
        {"TESTING": True}, settings=settings.model_copy(update={"metrics_token": TOKEN})
    )
    yield flask_app
    flask_app.extensions["tdkt"].dispose()


def _metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if labels else ''} (\S+)$"
    match = re.search(pattern, text, re.M)
    assert match, f"{name}{labels} not in /metrics"
    return float(match.group(1))


def test_livez_and_readyz_answer(client: FlaskClient) -> None:
    assert client.get("/livez").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json is not None
    assert ready.json["status"] == "ready"


def test_readyz_stays_200_without_redis_while_healthz_says_503(
    settings: Settings, clean_db: object
) -> None:
    from web.app import create_app

    # Nothing listens on port 1: Redis is down for this host.
    app = create_app(
        {"TESTING": True},
        settings=settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}),
    )
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json is not None
    assert ready.json["redis"].startswith("unavailable")
    assert client.get("/healthz").status_code == 503
    assert client.get("/livez").status_code == 200
    app.extensions["tdkt"].dispose()


def test_metrics_are_refused_to_strangers_and_move_with_the_work(app: Flask, world: World) -> None:
    stranger = app.test_client()
    assert stranger.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404
    assert (
        stranger.get(
            "/metrics",
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
            headers={"Authorization": "Bearer wrong"},
        ).status_code
        == 404
    )
    scraper = app.test_client()

    def scrape() -> str:
        response = scraper.get(
            "/metrics",
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 200
        return response.get_data(as_text=True)

    before = scrape()
    assert _metric(before, "tdkt_open_tasks", step="unit_review") == 1
    assert 'tdkt_task_completions_total{step="unit_review"}' not in before
    # The unit head approves through the page; the figures follow.
    head = app.test_client()
    sign_in(head, world.users["head_a"])
    done = head.post(f"/tasks/{world.task.id}", data={"csrf_token": csrf_token(head), **REVIEW})
    assert done.status_code == 302
    after = scrape()
    assert _metric(after, "tdkt_task_completions_total", step="unit_review") == 1
    assert 'tdkt_open_tasks{step="unit_review"}' not in after
    assert (
        _metric(
            after,
            "tdkt_http_request_duration_seconds_count",
            endpoint="inbox.complete",
            method="POST",
            status="3xx",
        )
        >= 1
    )
    assert _metric(after, "tdkt_timer_lag_seconds") >= 0
    assert _metric(after, "tdkt_outbox_messages", status="failed") == 0
    assert _metric(after, "tdkt_celery_queue_length", queue="timers") >= 0
    assert _metric(after, "tdkt_redis_up") == 1
    # From the local network no token is needed (TDKT_METRICS_NETWORKS default 127.0.0.0/8).
    assert scraper.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


def test_log_lines_are_json_with_ids_and_never_the_form(app: Flask, world: World) -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.formatter("json"))
    handler.addFilter(logs.ContextFilter())
    logging.getLogger().addHandler(handler)
    try:
        client = app.test_client()
        sign_in(client, world.users["head_a"])
        response = client.post(
            f"/dossiers/{world.dossier.id}/comments",
            data={"csrf_token": csrf_token(client), "body": "Nội dung riêng tư 7731"},
            headers={"X-Request-ID": "req-from-proxy-0001"},
        )
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.headers["X-Request-ID"] == "req-from-proxy-0001"
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    access = [line for line in lines if line.get("endpoint") == "dossiers.comment"]
    assert access, lines
    line = access[-1]
    assert line["request_id"] == "req-from-proxy-0001"
    assert line["user_id"] == str(world.users["head_a"].id)
    assert line["dossier_id"] == world.dossier.id
    assert line["level"] == "INFO"
    assert line["time"]
    assert line["status"] == 302
    assert "7731" not in out.getvalue(), "form contents are never logged"


def test_a_queued_task_carries_the_request_id(app: Flask, world: World) -> None:
    from tasks.notify import deliver_outbox

    rt = app.extensions["tdkt"]
    client = redis.Redis.from_url(client_url(rt.redis_url))
    with app.test_request_context(headers={"X-Request-ID": "req-queues-a-task"}):
        app.preprocess_request()
        deliver_outbox.apply_async((12345,), retry=False)
    raw = client.lpop("notifications")
    assert isinstance(raw, bytes)
    message = json.loads(raw)
    client.close()
    assert message["headers"]["task"] == "tasks.notify.deliver_outbox"
    assert message["headers"]["tdkt_request_id"] == "req-queues-a-task"


def test_the_status_page_shows_workers_and_beats(app: Flask, world: World) -> None:
    rt = app.extensions["tdkt"]
    health.record(rt.redis_url, health.WORKERS_KEY, "celery@web-a", queues=["timers"], host="a")
    health.record(rt.redis_url, health.BEATS_KEY, "beat@b:42", holds_lock=True)
    admin = app.test_client()
    assert world.driver is not None
    sign_in(admin, world.driver.user("admin"))
    page = admin.get("/admin/status")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "celery@web-a" in text
    assert "beat@b:42" in text
    assert "Giữ khóa lập lịch" in text
    secretariat = app.test_client()
    sign_in(secretariat, world.users["secretariat"])
    assert secretariat.get("/admin/status").status_code == 403


def test_import_jobs_and_celery_tasks_are_timed_by_name_and_failures_counted(
    app: Flask, world: World
) -> None:
    """A real upload through the admin page, the real import task run by Celery's tracer (the
    signals a worker's pool process fires), then /metrics: the figures moved."""
    from tasks import imports as import_task
    from tests.common import agency

    scraper = app.test_client()

    def scrape() -> str:
        response = scraper.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    before = scrape()
    assert "tdkt_import_job_duration_seconds_count{" not in before
    assert 'tdkt_celery_task_duration_seconds_count{task="tasks.imports.run"}' not in before
    admin = app.test_client()
    assert world.driver is not None
    sign_in(admin, world.driver.user("admin"))
    name, content = agency.build().files["units"]
    sent = admin.post(
        "/admin/imports",
        data={
            "csrf_token": csrf_token(admin),
            "kind": "units",
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    job_id = int(sent.headers["Location"].rsplit("/", 1)[1])
    # The page queued the job on the documents queue (nobody consumes it in this test).
    assert _metric(scrape(), "tdkt_celery_queue_length", queue="documents") == 1
    import_task.run.apply((job_id,))
    applied = admin.post(f"/admin/imports/{job_id}/apply", data={"csrf_token": csrf_token(admin)})
    assert applied.status_code == 302
    import_task.run.apply((job_id,))
    # A run that raises (no job id given) is a failure of that task name.
    assert import_task.run.apply(()).failed()
    after = scrape()
    run = {"task": "tasks.imports.run"}
    # Three runs (the preview, the apply, the failed one), one of them failed.
    assert _metric(after, "tdkt_celery_task_duration_seconds_count", **run) == 3
    assert _metric(after, "tdkt_celery_task_duration_seconds_sum", **run) > 0
    assert _metric(after, "tdkt_celery_task_duration_seconds_bucket", le="+Inf", **run) == 3
    assert _metric(after, "tdkt_celery_task_failures_total", **run) == 1
    for mode, status in (("preview", "previewed"), ("apply", "applied")):
        labels = {"kind": "units", "mode": mode, "status": status}
        assert _metric(after, "tdkt_import_job_duration_seconds_count", **labels) == 1
        assert _metric(after, "tdkt_import_job_duration_seconds_sum", **labels) >= 0
    assert 'tdkt_document_job_duration_seconds_count{status="done"} 0.0' in after
