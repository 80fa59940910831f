"""Structured logs: one JSON object per line, with the request, user, dossier and task in context.

Every process (web, worker, beat, CLI) calls :func:`configure` once at start-up. A record carries
``time``, ``level``, ``logger``, ``message`` and whatever :func:`bind` put in the context of the
code that logged it: ``request_id`` (a web request's, or the request that queued the Celery task
running now), ``user_id``, ``dossier_id``, ``task_id``, ``celery_task``. Form contents and votes
are never bound nor logged: only ids go into the context, and the access line holds the method,
the path without its query, the status and the time taken.

``TDKT_LOG_FORMAT=text`` gives the same fields as plain lines (for a developer's terminal).
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pythonjsonlogger.json import JsonFormatter

#: The fields a context may carry; nothing else can be bound.
FIELDS = ("request_id", "user_id", "dossier_id", "task_id", "celery_task")
_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("tdkt_log_context")


def bind(**values: Any) -> None:
    """Add ids to the current context (a request's, a Celery task's); None values are dropped."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a log context field: {', '.join(sorted(unknown))}")
    current = dict(_context.get({}))
    current.update({k: v for k, v in values.items() if v is not None})
    _context.set(current)


def clear() -> None:
    """Forget the current context (at the end of a request or task)."""
    _context.set({})


def current() -> dict[str, Any]:
    """Return the current context (what a queued task inherits: its request id)."""
    return dict(_context.get({}))


@contextmanager
def scope(**values: Any) -> Iterator[None]:
    """Bind ``values`` for the block, then restore the context as it was."""
    token = _context.set(dict(_context.get({})))
    try:
        bind(**values)
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Copy the bound context onto every record (so formatters and handlers see it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get({}).items():
            setattr(record, key, value)
        return True


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{k}={getattr(record, k)}" for k in FIELDS if hasattr(record, k))
        return f"{line} {extra}" if extra else line


def formatter(fmt: str) -> logging.Formatter:
    """Return the JSON (default) or text formatter."""
    if fmt == "text":
        return _Text("%(asctime)s %(levelname)s %(name)s: %(message)s")
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Send every log record, with its context, to stderr as JSON lines (or text)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "tdkt", False):
            root.removeHandler(old)
    handler.tdkt = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # SpiffWorkflow logs every task state change at INFO: a line per step, no operator use.
    logging.getLogger("spiff").setLevel(max(logging.WARNING, root.level))
