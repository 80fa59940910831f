"""The file store's tables: content-addressed blobs kept in the database, in chunks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow


class FileBlob(Base):
    """One stored file, named by the SHA-256 of its bytes; written last, so a row means complete.

    Attachments, generated documents and import uploads refer to it by ``key``
    (engine.files.DatabaseStore); the same bytes are stored once.
    """

    __tablename__ = "file_blob"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FileChunk(Base):
    """A piece (at most engine.files.CHUNK_BYTES) of a blob; ``seq`` counts from 0.

    While an upload is being written its chunks carry a temporary key (``tmp-…``), renamed to
    the SHA-256 when the last byte is in, in the same transaction as the blob row.
    """

    __tablename__ = "file_chunk"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
