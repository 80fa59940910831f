"""What every factory stands on: unique serials, add-and-flush, the password test users share."""

from __future__ import annotations

import itertools
from functools import cache
from typing import TypeVar

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

#: The password of every user a factory creates.
PASSWORD = "secret-pass"

_serial = itertools.count(1)

Row = TypeVar("Row")


def serial() -> int:
    """A number no other factory call of this process has had (for codes and unique keys)."""
    return next(_serial)


def add(session: Session, row: Row) -> Row:
    """Add ``row`` and flush, so its id is usable at once."""
    session.add(row)
    session.flush()
    return row


@cache
def password_hash() -> str:
    """PASSWORD hashed once per process (hashing is slow on purpose)."""
    return generate_password_hash(PASSWORD)
