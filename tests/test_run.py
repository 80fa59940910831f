"""`tdkt run` on a new data folder: migrates, loads the demo, serves, and stops everything."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    """Return the body at ``url``, waiting up to a minute for the server to come up."""
    for _ in range(120):
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - our own server
                return str(resp.read().decode())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within a minute")


@pytest.mark.slow
def test_run_serves_login_with_worker_and_beat_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env.update(TDKT_DATA_DIR=str(tmp_path), TDKT_TIMER_SWEEP_SECONDS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _get(f"http://127.0.0.1:{port}/login")
        assert "Đăng nhập" in page
        health: dict[str, object] = {}
        for _ in range(120):
            health = json.loads(_get(f"http://127.0.0.1:{port}/healthz"))
            if health["worker_last_seen_seconds"] is not None:
                break
            time.sleep(0.5)
        assert health["status"] == "ok"
        assert health["worker_last_seen_seconds"] is not None, "beat scheduled, a worker ran it"
        children = psutil.Process(proc.pid).children(recursive=True)
        commands = " ".join(" ".join(c.cmdline()) for c in children)
        assert "gunicorn" in commands
        assert "web.cli worker" in commands
        assert "web.cli beat" in commands
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}/" in output
    assert "giamdoc" in output, "the demo log-ins are printed"
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert proc.returncode == 0, "Ctrl-C is a clean stop: no 'make: *** Error 130'"
