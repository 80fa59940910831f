"""Exactly one beat: a scheduler that only schedules while it holds a Redis lock.

Any number of ``tdkt beat`` processes may run (a stand-by on another machine, or one started by
mistake); each asks for the lock on every tick. The holder renews it; the others wait and take
over within one lock period after the holder dies: a stand-by waits exactly until the holder's
lock would lapse (its remaining TTL), then asks again. The lock is atomic: ``SET key token NX EX``
to take it, a compare-and-expire script to renew it, a compare-and-delete script to release it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
from typing import Any

import redis
from celery.beat import PersistentScheduler

from engine.redis_service import client_url
from tasks import health

log = logging.getLogger(__name__)

LOCK_KEY = "tdkt:beat:lock"

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class BeatLock:
    """The beat lock for one process; :meth:`hold` says whether this process may schedule."""

    def __init__(self, url: str, ttl_seconds: int, key: str = LOCK_KEY) -> None:
        self.client = redis.Redis.from_url(
            client_url(url), socket_connect_timeout=2, socket_timeout=2
        )
        self.ttl = ttl_seconds
        self.key = key
        self.token = uuid.uuid4().hex
        self.held = False
        #: Seconds until the current holder's lock lapses, as last seen by a stand-by.
        self.lapses_in: float | None = None

    def hold(self) -> bool:
        """Take or renew the lock; return whether this process holds it now."""
        try:
            if self.held and self.client.eval(_RENEW, 1, self.key, self.token, self.ttl):
                return True
            acquired = bool(self.client.set(self.key, self.token, nx=True, ex=self.ttl))
            if not acquired:
                left = int(self.client.pttl(self.key))
                self.lapses_in = left / 1000 if left > 0 else 0.0
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            # Without Redis nothing can be queued anyway; do not schedule blind.
            acquired = False
            log.warning("beat lock: Redis unavailable (%s); not scheduling", exc)
        if acquired != self.held:
            log.info("beat lock %s", "taken: scheduling" if acquired else "lost: standing by")
        self.held = acquired
        return acquired

    def release(self) -> None:
        """Give the lock up if this process holds it."""
        # An unreachable Redis lets the lock expire by itself.
        with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
            self.client.eval(_RELEASE, 1, self.key, self.token)
        self.held = False
        self.client.close()


class LockedScheduler(PersistentScheduler):
    """Celery's persistent scheduler that only sends due tasks while it holds the beat lock."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ttl = int(self.app.conf.get("tdkt_beat_lock_seconds", 30))
        self.lock = BeatLock(self.app.conf.broker_url, ttl)
        self._last_beat = 0.0
        self._last_held: bool | None = None

    def tick(self, *args: Any, **kwargs: Any) -> float:
        # Tick at least three times per lock period so the holder renews in time.
        renew_every = self.lock.ttl / 3
        held = self.lock.hold()
        self._heartbeat(held)
        if not held:
            # A stand-by asks again just after the holder's lock would lapse, so it takes over
            # within TDKT_BEAT_LOCK_SECONDS of the holder's last renewal (not a third later).
            lapses_in = self.lock.lapses_in
            if lapses_in is None:
                return renew_every
            return max(0.05, min(renew_every, lapses_in + 0.05))
        return float(min(super().tick(*args, **kwargs), renew_every))

    def _heartbeat(self, held: bool) -> None:
        now = time.monotonic()
        if held != self._last_held or now - self._last_beat >= health.BEAT_EVERY:
            self._last_beat, self._last_held = now, held
            health.record(
                self.app.conf.broker_url,
                health.BEATS_KEY,
                f"beat@{socket.gethostname()}:{os.getpid()}",
                holds_lock=held,
            )

    def close(self) -> None:
        super().close()
        self.lock.release()
        health.forget(
            self.app.conf.broker_url, health.BEATS_KEY, f"beat@{socket.gethostname()}:{os.getpid()}"
        )
