"""Exactly one beat schedules: the Redis lock on a real Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
import time_machine
from flask import Flask

from engine.redis_service import client_url
from tasks.beat import LOCK_KEY, BeatLock, LockedScheduler


def test_only_one_process_holds_the_beat_lock_and_another_takes_over_when_it_lapses(
    redis_url: str, app: Flask
) -> None:
    first, second = BeatLock(redis_url, 30), BeatLock(redis_url, 30)
    assert first.hold()
    assert not second.hold()
    assert first.hold()  # renewed
    ttl = redis.Redis.from_url(client_url(redis_url)).ttl(LOCK_KEY)
    assert 0 < ttl <= 30
    # The holder dies without releasing: its key expires (here: removed) and the other takes over.
    redis.Redis.from_url(client_url(redis_url)).delete(LOCK_KEY)
    assert second.hold()
    assert not first.hold()
    second.release()
    assert first.hold()
    first.release()


def test_a_beat_without_the_lock_sends_nothing(app: Flask, tmp_path: Path) -> None:
    celery = app.extensions["celery"]
    sent: dict[str, list[str]] = {"a": [], "b": []}

    def scheduler(name: str) -> LockedScheduler:
        s = LockedScheduler(app=celery, schedule_filename=str(tmp_path / name), lazy=False)

        def record(entry: Any, *args: Any, **kwargs: Any) -> None:
            sent[name].append(entry.task)

        s.apply_async = record  # type: ignore[method-assign]  # record instead of sending
        return s

    a, b = scheduler("a"), scheduler("b")
    try:
        assert a.tick() <= 10
        assert b.tick() == 10  # stands by, re-asking every third of the lock period
        with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5)):
            for _ in range(6):  # one due entry per tick
                a.tick()
                b.tick()
        assert {
            "tasks.timers.sweep_timers",
            "tasks.notify.sweep_reminders",
            "tasks.notify.deliver_outbox",
        } <= set(sent["a"])
        assert sent["b"] == []
    finally:
        a.close()
        b.close()
