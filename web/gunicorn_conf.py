"""gunicorn settings of a web host: ``gunicorn -c python:web.gunicorn_conf web.wsgi:app``.

Worker processes come from TDKT_WEB_WORKERS (the same variable ``tdkt run`` reads). With
PROMETHEUS_MULTIPROC_DIR set (an empty folder private to this host), /metrics sums the request
figures of every worker process; the folder is emptied at start and a dead worker's files are
dropped (prometheus_client's multi-process mode).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

bind = "0.0.0.0:8000"  # --bind overrides it
workers = int(os.environ.get("TDKT_WEB_WORKERS", "2"))
# Access lines come from the application (engine.logs: JSON with the request id).
accesslog = None
# Behind the reverse proxy; the proxy's own address is the only peer gunicorn talks to.
forwarded_allow_ips = "*"
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
