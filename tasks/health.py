"""Liveness of the background side: heartbeats of every worker and beat, and a worker's run of
the beat-scheduled heartbeat task.

- Each worker (``tdkt worker`` or ``celery -A tasks.celery_app worker``) writes its own
  heartbeat every :data:`BEAT_EVERY` seconds from its main process into the Redis hash
  :data:`WORKERS_KEY` (hostname → time, queues, pid); a worker that stops cleanly removes it.
- Each beat writes its heartbeat into :data:`BEATS_KEY` with whether it holds the lock
  (``tasks.beat.LockedScheduler``).
- The beat-scheduled ``heartbeat`` task proves the whole chain (beat → broker → a worker).

The admin status page and /readyz read them with :func:`background_status`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from typing import Any

import redis
from celery.signals import worker_ready, worker_shutdown

from engine.redis_service import RedisUnavailable, client_url
from tasks.celery_app import HARD, SOFT, celery_app, runtime

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "tdkt:worker:heartbeat"
WORKERS_KEY = "tdkt:workers"
BEATS_KEY = "tdkt:beats"
#: Seconds between two heartbeats of a worker or a beat; older than 3× this means gone.
BEAT_EVERY = 10.0


@celery_app.task(
    name="tasks.health.heartbeat",
    acks_late=True,
    soft_time_limit=SOFT["timers"],
    time_limit=HARD["timers"],
)
def heartbeat() -> float:
    """Record that a worker ran a beat-scheduled task just now; return the time recorded."""
    now = time.time()
    client = redis.Redis.from_url(client_url(runtime().redis_url))
    try:
        client.set(HEARTBEAT_KEY, now, ex=3600)
    finally:
        client.close()
    return now


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(client_url(url), socket_connect_timeout=2, socket_timeout=2)


def last_heartbeat(url: str) -> float | None:
    """Return when a worker last ran the heartbeat (epoch seconds), or None if never."""
    client = _client(url)
    try:
        value = client.get(HEARTBEAT_KEY)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise RedisUnavailable(str(exc)) from None
    finally:
        client.close()
    return float(value) if value is not None else None


def record(url: str, key: str, name: str, **facts: Any) -> None:
    """Write one heartbeat ``name`` → facts and the time into hash ``key`` (never raises)."""
    client = _client(url)
    try:
        client.hset(key, name, json.dumps({"at": time.time(), "pid": os.getpid(), **facts}))
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        log.warning("heartbeat not recorded: Redis unavailable (%s)", exc)
    finally:
        client.close()


def forget(url: str, key: str, name: str) -> None:
    """Remove heartbeat ``name`` (a clean stop); never raises."""
    client = _client(url)
    try:
        client.hdel(key, name)
    except (redis.ConnectionError, redis.TimeoutError):
        pass
    finally:
        client.close()


def background_status(url: str, now: float | None = None) -> dict[str, Any]:
    """Return the workers' and beats' heartbeats with their age and whether they look alive.

    Raises RedisUnavailable when Redis does not answer.
    """
    now = time.time() if now is None else now
    client = _client(url)
    try:
        workers, beats, last = (
            client.hgetall(WORKERS_KEY),
            client.hgetall(BEATS_KEY),
            client.get(HEARTBEAT_KEY),
        )
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise RedisUnavailable(str(exc)) from None
    finally:
        client.close()

    def rows(raw: Any) -> list[dict[str, Any]]:
        out = []
        for name, value in sorted(raw.items()):
            facts = json.loads(value)
            age = round(now - float(facts["at"]), 1)
            label = name.decode() if isinstance(name, bytes) else str(name)
            out.append({"name": label, **facts, "age": age, "alive": age < 3 * BEAT_EVERY})
        return out

    return {
        "workers": rows(workers),
        "beats": rows(beats),
        "last_task_heartbeat_age": None if last is None else round(now - float(last), 1),
    }


class _Heartbeat(threading.Thread):
    def __init__(self, url: str, name: str, queues: list[str]) -> None:
        super().__init__(name="tdkt-heartbeat", daemon=True)
        self.url, self.worker, self.queues = url, name, queues
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            record(
                self.url, WORKERS_KEY, self.worker, queues=self.queues, host=socket.gethostname()
            )
            self.stopping.wait(BEAT_EVERY)


_threads: list[_Heartbeat] = []


@worker_ready.connect
def _start_heartbeat(sender: Any = None, **_kwargs: Any) -> None:
    """Start the worker's own heartbeat (in its main process, once it consumes)."""
    try:
        url = runtime().redis_url
    except RuntimeError:
        return
    queues = sorted(q.name for q in sender.app.amqp.queues.consume_from.values()) if sender else []
    thread = _Heartbeat(url, getattr(sender, "hostname", socket.gethostname()), queues)
    thread.start()
    _threads.append(thread)


@worker_shutdown.connect
def _stop_heartbeat(**_kwargs: Any) -> None:
    while _threads:
        thread = _threads.pop()
        thread.stopping.set()
        forget(thread.url, WORKERS_KEY, thread.worker)
