"""gunicorn config of the benchmarks: each worker's app answers, per request, how many SQL
statements it sent (X-Bench-Statements) and the CPU time its thread spent (X-Bench-CPU-Ms).

Only bench/serving.py starts gunicorn with it; production uses the settings of ``tdkt run``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

_local = threading.local()


def _count(*_args: Any) -> None:
    _local.statements = getattr(_local, "statements", 0) + 1


class _Probe:
    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        _local.statements = 0
        cpu = time.thread_time()

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(("X-Bench-Statements", str(_local.statements)))
            headers.append(("X-Bench-CPU-Ms", f"{(time.thread_time() - cpu) * 1000:.2f}"))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def post_worker_init(worker: Any) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", _count)
    worker.wsgi = _Probe(worker.wsgi)
