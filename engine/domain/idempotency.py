"""Idempotency keys: a POST retried with the same ``Idempotency-Key`` gets the first answer.

The record is inserted before the operation runs, in the operation's own unit of work, so the
answer is kept if and only if the operation committed; a concurrent retry waits on the key's
unique index and then replays the committed answer. Only successful answers are kept: a refused
request (4xx) changed nothing, so its retry is simply run again. Keys live ``KEEP``; an older
record is ignored and purged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Conflict, ValidationFailed
from engine.models import IdempotencyRecord
from engine.models.base import utcnow
from engine.unit_of_work import unit_of_work

KEEP = timedelta(hours=24)
#: The longest key accepted (a UUID is 36 characters).
MAX_KEY = 255


@dataclass
class Answer:
    """A response as kept: status, body text and the headers worth replaying."""

    status: int
    body: str
    headers: dict[str, Any] = field(default_factory=dict)


class KeyReused(ValidationFailed):
    code = "idempotency_key_reused"


def check_key(key: str) -> str:
    """Return ``key`` if it can be a key (1 … MAX_KEY visible ASCII characters), else raise."""
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        message = f"Idempotency-Key phải gồm 1 đến {MAX_KEY} ký tự ASCII in được."
        raise ValidationFailed(message, {"Idempotency-Key": message})
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Return what identifies a request: its method, path (with query) and body."""
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def _kept(session: Session, user_id: int, key: str, print_: str) -> Answer | None:
    row = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at > utcnow() - KEEP,
        )
    )
    if row is None or row.status is None:
        return None
    if row.fingerprint != print_:
        message = "Idempotency-Key này đã dùng cho một yêu cầu khác."
        raise KeyReused(message, {"Idempotency-Key": message})
    return Answer(row.status, row.body or "", dict(row.headers or {}))


def run_once(
    session: Session, user_id: int, key: str, print_: str, call: Callable[[], Answer]
) -> tuple[Answer, bool]:
    """Run ``call`` once per (user, key); return its answer and whether it is a replay."""
    kept = _kept(session, user_id, key, print_)
    if kept is not None:
        return kept, True
    try:
        with unit_of_work(session):
            now = utcnow()
            session.execute(
                delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= now - KEEP)
            )
            record = IdempotencyRecord(
                user_id=user_id, key=key, fingerprint=print_, created_at=now, headers={}
            )
            session.add(record)
            session.flush()
            answer = call()
            if answer.status >= 300:
                raise _NotKept(answer)
            record.status, record.body, record.headers = answer.status, answer.body, answer.headers
    except _NotKept as refused:
        return refused.answer, False
    except IntegrityError:
        # A concurrent request with this key committed first: answer what it answered.
        kept = _kept(session, user_id, key, print_)
        if kept is None:
            raise Conflict("Một yêu cầu khác với cùng Idempotency-Key đang chạy.") from None
        return kept, True
    return answer, False


class _NotKept(Exception):
    """Leaves the unit of work (rolled back) with an answer that is not kept."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer
