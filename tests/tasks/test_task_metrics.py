"""Each Celery task name's runs, seconds and failures in Redis (tasks.metrics): a run with Redis
gone loses its figures, never the task; the buckets read back cumulative."""

from __future__ import annotations

import logging

import pytest

from tasks import metrics


def test_figures_add_up_by_task_and_read_back_cumulative(redis_url: str, clean_db: object) -> None:
    for seconds in (0.01, 0.2, 7.0, 4000.0):
        metrics.record_run(redis_url, "tasks.x.y", seconds)
    metrics.record_failure(redis_url, "tasks.x.y")
    figures = metrics.read_task_figures(redis_url)["tasks.x.y"]
    assert figures.count == 4
    assert figures.failures == 1
    assert figures.seconds == pytest.approx(4007.21)
    buckets = dict(figures.buckets)
    assert buckets["0.05"] == 1
    assert buckets["0.25"] == 2
    assert buckets["10.0"] == 3
    assert buckets["1800.0"] == 3
    assert buckets["+Inf"] == 4


def test_recording_with_redis_gone_only_warns(caplog: pytest.LogCaptureFixture) -> None:
    gone = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="tasks.metrics"):
        metrics.record_run(gone, "tasks.x.y", 1.0)
        metrics.record_failure(gone, "tasks.x.y")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "task figures not recorded",
        "task failure not recorded",
    ]
