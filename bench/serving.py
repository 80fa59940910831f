"""What bench/http.py and bench/scale.py share: PostgreSQL check, the production processes
(gunicorn, worker, beat) started as ``tdkt run`` starts them, log-ins and timed requests.

The web server runs with ``bench/gunicorn_probe.py`` as its config: a WSGI wrapper in each
worker counts the SQL statements and the thread CPU time of every request and answers them in
``X-Bench-Statements`` / ``X-Bench-CPU-Ms`` headers, so the figures are the server's own.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def database_url() -> str | None:
    """The scratch PostgreSQL database (TDKT_DATABASE_URL), or None with a clear message."""
    url = os.environ.get("TDKT_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print(
            "PostgreSQL is not configured: these benchmarks measure the production shape.\n"
            "Set TDKT_DATABASE_URL to a scratch PostgreSQL database (its schema is dropped and\n"
            "rebuilt), and TDKT_REDIS_URL to a Redis database of your own, e.g.\n"
            "  TDKT_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/perf \\\n"
            "  TDKT_REDIS_URL=redis://127.0.0.1:6379/7 make bench"
        )
        return None
    return url


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (an observed value)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """gunicorn (+ optionally worker and beat) on a free port, stopped by ``stop``."""

    port: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        *,
        worker_class: str = "gthread",
        workers: int = 2,
        threads: int = 4,
        background: bool = True,
    ) -> Server:
        port = free_port()
        env = dict(os.environ, PYTHONUNBUFFERED="1", TDKT_LOG_LEVEL="WARNING")
        # The key the loading process used (bench/*.py: load_settings(..., secret_key=...)).
        env.setdefault("TDKT_SECRET_KEY", "tdkt-bench-key")
        web = [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "bench" / "gunicorn_probe.py"),
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "web.wsgi:app",
        ]
        server = cls(port)
        logs = open(os.devnull, "wb")  # noqa: SIM115 - lives as long as the processes
        server.processes.append(subprocess.Popen(web, cwd=ROOT, env=env, stdout=logs, stderr=logs))
        if background:
            for name in ("worker", "beat"):
                server.processes.append(
                    subprocess.Popen(
                        [PYTHON, "-m", "web.cli", name],
                        cwd=ROOT,
                        env=env,
                        stdout=logs,
                        stderr=logs,
                    )
                )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                Client(port).get("/healthz")
                return server
            except OSError:
                time.sleep(0.2)
        server.stop()
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        import psutil

        return [c.pid for c in psutil.Process(self.processes[0].pid).children()]

    def worker_rss_mb(self) -> float:
        import psutil

        return max(
            (psutil.Process(pid).memory_info().rss / 2**20 for pid in self.worker_pids()),
            default=0.0,
        )

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the gunicorn master and its workers so far."""
        import psutil

        total = 0.0
        for pid in [self.processes[0].pid, *self.worker_pids()]:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        return total

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@dataclass
class Reply:
    status: int
    body: bytes
    seconds: float
    statements: int
    cpu_ms: float
    headers: dict[str, str]


class Client:
    """One keep-alive connection with a cookie jar (a signed-in browser, or a token)."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.cookies: dict[str, str] = {}
        self.token = token

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        data = response.read()
        seconds = time.perf_counter() - started
        for value in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return Reply(
            response.status,
            data,
            seconds,
            int(response.headers.get("X-Bench-Statements", "0")),
            float(response.headers.get("X-Bench-CPU-Ms", "0")),
            dict(response.headers.items()),
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_json(self, path: str, payload: Any) -> Reply:
        return self.request(
            "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )

    def login(self, username: str, password: str) -> None:
        page = self.get("/login").body.decode()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = {"username": username, "password": password}
        if match:
            form["csrf_token"] = match[1]
        reply = self.request(
            "POST",
            "/login",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if reply.status != 302:
            raise RuntimeError(f"log-in of {username} failed ({reply.status})")


def rebuild_schema(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from engine.db import make_engine
    from engine.migrate import upgrade

    engine = make_engine(make_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()


def dossier_count(url: str) -> int:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from engine.db import make_engine

    engine = make_engine(make_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM dossier")) or 0)
    except Exception:
        return 0
    finally:
        engine.dispose()


def load_runs() -> int:
    return int(os.environ.get("TDKT_BENCH_RUNS", "1"))


def uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""
