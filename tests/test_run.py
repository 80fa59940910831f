"""`tdkt run` on a new data folder: migrates, loads the demo, serves, and stops everything; the
web as every deployment file starts it logs one JSON access line per request."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest
import yaml  # type: ignore[import-untyped]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _access_lines(output: str, marker: str) -> list[dict[str, object]]:
    """The log lines that mention ``marker``, each parsed as JSON (honcho's prefix removed)."""
    lines = [line.split(" | ", 1)[-1] for line in output.splitlines() if marker in line]
    return [json.loads(line) for line in lines]


def _missing(url: str) -> None:
    """GET a page that does not exist: 404."""
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 - our own server
    raised.value.close()
    assert raised.value.code == 404


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
        marker = f"no-such-page-{uuid.uuid4().hex}"
        _missing(f"http://127.0.0.1:{port}/{marker}?q=1")
        time.sleep(0.5)  # the access line is written after the response
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}/" in output
    assert "giamdoc" in output, "the demo log-ins are printed"
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert proc.returncode == 0, "Ctrl-C is a clean stop: no 'make: *** Error 130'"
    # One access line for the request (not gunicorn's as well), JSON, without the query.
    (line,) = _access_lines(output, marker)
    assert line["logger"] == "tdkt.access"
    assert line["message"] == f"GET /{marker} 404"
    assert line["request_id"]


def _deployed_web_command() -> list[str]:
    """The web command compose.yaml runs; the Dockerfile and the systemd unit run the same."""
    root = Path(__file__).resolve().parents[1]
    compose = yaml.safe_load((root / "compose.yaml").read_text(encoding="utf-8"))
    command = list(compose["services"]["web1"]["command"])
    dockerfile = (root / "Dockerfile").read_text(encoding="utf-8")
    assert f"CMD {json.dumps(command)}" in dockerfile
    unit = (root / "deploy/systemd/tdkt-web.service").read_text(encoding="utf-8")
    assert "gunicorn --config python:web.gunicorn_conf " in unit
    assert "--access-logfile" not in unit
    return command


@pytest.mark.slow
def test_the_deployed_web_logs_one_json_access_line_per_request_and_sums_its_processes(
    tmp_path: Path, redis_url: str
) -> None:
    program, *args = _deployed_web_command()
    assert program == "gunicorn"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env.update(
        TDKT_DATA_DIR=str(tmp_path / "data"),
        TDKT_REDIS_URL=redis_url,
        TDKT_WEB_WORKERS="2",
        TDKT_DEMO="false",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        PYTHONUNBUFFERED="1",
    )
    subprocess.run([sys.executable, "-m", "web.cli", "db", "upgrade"], env=env, check=True)
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    marker = f"no-such-page-{uuid.uuid4().hex}"
    try:
        _get(f"http://127.0.0.1:{port}/livez")
        for _ in range(6):  # new connections: both worker processes answer some
            _missing(f"http://127.0.0.1:{port}/{marker}")
        metrics = _get(f"http://127.0.0.1:{port}/metrics")
        # Without TDKT_TRUSTED_PROXIES nobody's X-Forwarded-Proto counts, gunicorn's neither.
        claimed = urllib.request.Request(
            f"http://127.0.0.1:{port}/login", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(claimed, timeout=10) as response:  # noqa: S310 - our own
            assert "Strict-Transport-Security" not in response.headers
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    output = log.read_text(encoding="utf-8")
    lines = _access_lines(output, marker)
    assert len(lines) == 6, output
    assert all(line["logger"] == "tdkt.access" for line in lines)
    # Every line is JSON: gunicorn's own (start, worker boot, exit) as well as the app's.
    for text in output.splitlines():
        assert json.loads(text)["level"], text
    assert any(json.loads(t)["logger"] == "gunicorn.error" for t in output.splitlines())
    # Both processes' requests are summed (PROMETHEUS_MULTIPROC_DIR), whichever one answered.
    count = (
        'tdkt_http_request_duration_seconds_count{endpoint="unmatched",method="GET",status="4xx"}'
    )
    assert f"{count} 6.0" in metrics, metrics
