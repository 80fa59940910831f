"""Defect 1 of issue 15: a second ``tdkt`` command never stops an embedded Redis it did not start,
and the supervised ``tdkt run`` starts it again when it stops. Real redis-server processes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from engine.redis_service import client_url
from tests.test_cli import _tdkt
from tests.test_run import _free_port, _get

OWNER = """
import sys
from engine.config import load_settings
from engine.runtime import build_runtime
runtime = build_runtime(load_settings())
print(runtime.redis_url, flush=True)
sys.stdin.read()
"""


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(client_url(url), socket_timeout=2)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKT_")}
    env["TDKT_DATA_DIR"] = str(data_dir)
    return env


def test_a_second_command_leaves_the_embedded_redis_of_another_running(tmp_path: Path) -> None:
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER],
        env=_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert owner.stdout is not None
    assert owner.stdin is not None
    try:
        url = owner.stdout.readline().strip()
        assert _answers(url)
        redis.Redis.from_url(client_url(url)).set("kept", "1")

        second = _tdkt("db", "upgrade", env={"TDKT_DATA_DIR": str(tmp_path)})
        assert second.returncode == 0, second.stderr

        assert _answers(url), "the second command stopped a Redis it did not start"
        assert redis.Redis.from_url(client_url(url)).get("kept") == b"1"
    finally:
        owner.stdin.close()
        owner.wait(timeout=60)
        owner.stdout.close()
    assert not _answers(url), "the process that started the embedded Redis stops it at exit"


@pytest.mark.slow
def test_supervised_run_restarts_a_stopped_embedded_redis(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path)
    env["TDKT_TIMER_SWEEP_SECONDS"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"unix://{tmp_path.resolve() / 'redis.sock'}"
    try:
        _get(f"http://127.0.0.1:{port}/login")
        assert _answers(url)
        # What a foreign command did before the fix: shut the server down under the app.
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis.from_url(client_url(url)).shutdown(nosave=True)
        for _ in range(120):
            if _answers(url):
                break
            time.sleep(0.5)
        assert _answers(url), "tdkt run did not start the embedded Redis again"
        # The worker and beat use it again: the beat's heartbeat runs on the worker afresh.
        redis.Redis.from_url(client_url(url)).flushall()
        health: dict[str, object] = {}
        for _ in range(120):
            health = json.loads(_get(f"http://127.0.0.1:{port}/healthz"))
            if health["worker_last_seen_seconds"] is not None:
                break
            time.sleep(0.5)
        assert health["worker_last_seen_seconds"] is not None
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    assert "the embedded Redis stopped" in output
    assert "running again" in output
