"""gunicorn settings of every web host: ``gunicorn -c python:web.gunicorn_conf web.wsgi:app``
(the Dockerfile, compose.yaml, deploy/systemd/tdkt-web.service and ``tdkt run`` all use it).

Worker processes and their threads come from TDKT_WEB_WORKERS and TDKT_WEB_THREADS (worker
class gthread, docs/performance.md). With PROMETHEUS_MULTIPROC_DIR set (an empty folder private
to this host), /metrics sums the request figures of every worker process; the folder is emptied
at start and a dead worker's files are dropped (prometheus_client's multi-process mode).

Logs: one access line per request, the application's (engine.logs: JSON with the request id);
gunicorn's own access log is off, and its own lines (start, worker boot and exit) are written
in the same format (TDKT_LOG_FORMAT).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

bind = "0.0.0.0:8000"  # --bind overrides it
workers = int(os.environ.get("TDKT_WEB_WORKERS", "2"))
# gthread: each worker's threads overlap the database's waits (bench/http.py).
worker_class = "gthread"
threads = int(os.environ.get("TDKT_WEB_THREADS", "4"))
# Access lines come from the application (engine.logs: JSON with the request id).
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    # The application puts its own handler on the root logger (engine.logs.configure).
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["tdkt"], "propagate": False},
        # A second access line per request, in gunicorn's format: dropped.
        "gunicorn.access": {"level": "INFO", "handlers": ["drop"], "propagate": False},
    },
    "handlers": {
        "tdkt": {
            "class": "logging.StreamHandler",
            "formatter": "tdkt",
            "stream": "ext://sys.stderr",
        },
        "drop": {"class": "logging.NullHandler"},
    },
    "formatters": {
        "tdkt": {"()": "engine.logs.formatter", "fmt": os.environ.get("TDKT_LOG_FORMAT", "json")}
    },
}
# gunicorn itself believes no X-Forwarded-* header from anyone: the application's ProxyFix does,
# for exactly TDKT_TRUSTED_PROXIES hops (docs/operations.md, TLS behind a proxy). With "*" any
# client reaching a web host's port directly could claim https.
forwarded_allow_ips = ""
timeout = 60
graceful_timeout = 30


def on_starting(_server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
