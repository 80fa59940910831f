"""The Celery app as Celery users start it, its queues and the time limits of every task."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tasks.celery_app import QUEUES, ROUTES, TIME_LIMITS

PROBE = """
import json
from celery.app.utils import find_app
app = find_app("tasks.celery_app")
tasks = {n: [t.soft_time_limit, t.time_limit]
         for n, t in app.tasks.items() if n.startswith("tasks.")}
route = {n: app.amqp.router.route({}, n)["queue"].name for n in tasks}
print(json.dumps({"broker": app.conf.broker_url, "tasks": tasks, "route": route}))
"""


def test_celery_dash_a_configures_itself_from_the_environment(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env.update(TDKT_DATA_DIR=str(tmp_path), TDKT_REDIS_URL="redis://127.0.0.1:6379/11")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.splitlines()[-1])
    assert found["broker"] == "redis://127.0.0.1:6379/11"
    assert set(found["tasks"]) == {
        "tasks.documents.render",
        "tasks.health.heartbeat",
        "tasks.notify.deliver_outbox",
        "tasks.notify.sweep_reminders",
        "tasks.timers.sweep_timers",
    }
    assert found["route"] == {
        "tasks.documents.render": "documents",
        "tasks.health.heartbeat": "timers",
        "tasks.notify.deliver_outbox": "notifications",
        "tasks.notify.sweep_reminders": "notifications",
        "tasks.timers.sweep_timers": "timers",
    }
    for name, (soft, hard) in found["tasks"].items():
        queue = found["route"][name]
        assert [soft, hard] == list(TIME_LIMITS[queue]), name
        assert soft < hard


def test_every_route_names_a_queue_a_worker_consumes() -> None:
    assert {r["queue"] for r in ROUTES.values()} <= set(QUEUES)
    assert set(TIME_LIMITS) == set(QUEUES)
