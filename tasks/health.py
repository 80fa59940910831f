"""Liveness of the background side: beat schedules a heartbeat and a worker records it."""

from __future__ import annotations

import time

import redis

from engine.redis_service import RedisUnavailable, client_url
from tasks.celery_app import celery_app, runtime

HEARTBEAT_KEY = "tdkt:worker:heartbeat"


@celery_app.task(name="tasks.health.heartbeat", acks_late=True)
def heartbeat() -> float:
    """Record that a worker ran a beat-scheduled task just now; return the time recorded."""
    now = time.time()
    client = redis.Redis.from_url(client_url(runtime().redis_url))
    try:
        client.set(HEARTBEAT_KEY, now, ex=3600)
    finally:
        client.close()
    return now


def last_heartbeat(url: str) -> float | None:
    """Return when a worker last ran the heartbeat (epoch seconds), or None if never."""
    client = redis.Redis.from_url(client_url(url), socket_connect_timeout=2, socket_timeout=2)
    try:
        value = client.get(HEARTBEAT_KEY)
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise RedisUnavailable(str(exc)) from None
    finally:
        client.close()
    return float(value) if value is not None else None
