"""The file store: attachments, generated documents and import uploads, reachable from every host.

Files are content-addressed: a file's key is the SHA-256 of its bytes, so the same bytes are
stored once and a key never changes meaning. Two stores share one interface (:class:`FileStore`):

- :class:`DatabaseStore` (the default, ``TDKT_FILE_STORE=database``): the bytes live in the
  database (``file_blob`` and ``file_chunk``, in chunks of :data:`CHUNK_BYTES`), PostgreSQL in
  production, the SQLite file in the embedded shape; every host that reaches the database
  reaches the files, and a database backup holds them.
- :class:`DirectoryStore` (``TDKT_FILE_STORE=/an/absolute/path``): a folder, which must be a
  mount every host shares (NFS, CephFS …) when there are several hosts.

Both read and write in chunks: an upload is never held whole in memory, a download is streamed.
``put`` checks the size as the bytes arrive (:class:`~engine.errors.ValidationFailed`, nothing
kept); :func:`check_type` checks a file's extension against its first bytes.

Writing in the database goes through the caller's session when one is given (so a stored file
and the row naming it commit together, and SQLite's single write lock is never asked for twice);
reading opens short connections of its own, so a streamed download outlives the request's
session. A store is built once per runtime (``engine.runtime.build_runtime``: ``runtime.files``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    column,
    create_engine,
    delete,
    event,
    select,
    table,
    update,
)
from sqlalchemy import (
    insert as sa_insert,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from engine.errors import NotFound, ValidationFailed
from engine.models import FileBlob, FileChunk

if TYPE_CHECKING:
    from engine.config import Settings

log = logging.getLogger(__name__)

#: Bytes per stored chunk (and per read of the input stream).
CHUNK_BYTES = 256 * 1024
#: How many leading bytes :func:`check_type` needs.
HEAD_BYTES = 16
#: The value of TDKT_FILE_STORE that selects the database.
DATABASE = "database"


class FileMissing(NotFound):
    """No stored file has this key (never stored, or its store was not restored)."""


@dataclass(frozen=True)
class StoredFile:
    """What ``put`` returns: the key to keep on the row, and the size in bytes."""

    key: str
    size: int


class FileStore(Protocol):
    """Where files live; ``DatabaseStore`` or ``DirectoryStore`` (see the module docstring)."""

    def put(
        self,
        stream: IO[bytes],
        *,
        session: Session | Connection | None = None,
        max_bytes: int | None = None,
        head: bytes = b"",
    ) -> StoredFile:
        """Store ``head`` then the rest of ``stream``; return its key and size.

        Raises ValidationFailed (nothing kept) when the file exceeds ``max_bytes``.
        """
        ...

    def open(self, key: str) -> IO[bytes]:
        """Return a binary stream of the file ``key``; FileMissing when there is none."""
        ...

    def size(self, key: str) -> int | None:
        """Return the size of file ``key`` in bytes, or None when there is no such file."""
        ...

    def describe(self) -> str:
        """Return where files live, for the status page and start-up logs."""
        ...


def too_large(max_bytes: int) -> ValidationFailed:
    """Return the error an oversized upload raises (the same words for every store)."""
    return ValidationFailed(
        "Tệp quá lớn.", {"file": f"Tệp vượt quá {max_bytes // (1024 * 1024)} MB."}
    )


def _chunks(head: bytes, stream: IO[bytes], max_bytes: int | None) -> Iterator[bytes]:
    """Yield ``head`` and then ``stream`` in pieces, raising once ``max_bytes`` is passed."""
    size = 0
    chunk = head + stream.read(CHUNK_BYTES - len(head)) if len(head) < CHUNK_BYTES else head
    while chunk:
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise too_large(max_bytes)
        yield chunk
        chunk = stream.read(CHUNK_BYTES)


def check_type(
    filename: str, head: bytes, allowed: Mapping[str, tuple[str, tuple[bytes, ...]]]
) -> str:
    """Return the content type of ``filename`` if its extension is allowed and ``head`` fits it.

    ``allowed`` maps an extension (".pdf") to (content type, magic bytes the file starts with);
    an empty magic tuple accepts any content (e.g. CSV). Raises ValidationFailed otherwise.
    """
    ext = Path(filename).suffix.lower()
    kind = allowed.get(ext)
    if kind is None:
        kinds = ", ".join(sorted(e.lstrip(".") for e in allowed))
        raise ValidationFailed(
            "Loại tệp không được phép.", {"file": f"Chỉ nhận các loại tệp: {kinds}."}
        )
    content_type, magics = kind
    if magics and not head.startswith(magics):
        raise ValidationFailed(
            "Nội dung tệp không khớp với phần mở rộng.",
            {"file": "Nội dung tệp không khớp với phần mở rộng."},
        )
    return content_type


class _ChunkReader(io.RawIOBase):
    """Reads a blob chunk by chunk, one short query per chunk."""

    def __init__(self, fetch: _Fetch, key: str, chunks: int) -> None:
        self._fetch = fetch
        self._key = key
        self._chunks = chunks
        self._seq = 0
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer and self._seq < self._chunks:
            self._buffer = self._fetch(self._key, self._seq)
            self._seq += 1
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class _Fetch(Protocol):
    def __call__(self, key: str, seq: int) -> bytes: ...


class DatabaseStore:
    """Files in the database's ``file_blob``/``file_chunk`` tables (see the module docstring)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reader: Engine | None = None

    def describe(self) -> str:
        return f"database ({self._engine.url.get_backend_name()})"

    def _read_engine(self) -> Engine:
        # SQLite: the application's engine begins every transaction IMMEDIATE (a write lock).
        # Reads of immutable blobs need no lock, and must not wait for a request that holds one,
        # so they use plain autocommit connections (WAL lets them read beside the writer).
        if self._engine.dialect.name != "sqlite":
            return self._engine
        if self._reader is None:
            reader = create_engine(self._engine.url, poolclass=NullPool)
            event.listen(
                reader,
                "connect",
                lambda conn, _rec: conn.execute("PRAGMA busy_timeout=30000"),
            )
            self._reader = reader
        return self._reader

    def _fetch(self, key: str, seq: int) -> bytes:
        with self._read_engine().connect() as conn:
            data = conn.scalar(
                select(FileChunk.data).where(FileChunk.key == key, FileChunk.seq == seq)
            )
        if data is None:
            raise FileMissing(f"Tệp {key} thiếu phần {seq}.")
        return bytes(data)

    def _blob(self, key: str) -> tuple[int, int] | None:
        with self._read_engine().connect() as conn:
            row = conn.execute(
                select(FileBlob.size, FileBlob.chunks).where(FileBlob.key == key)
            ).first()
        return (row[0], row[1]) if row else None

    def size(self, key: str) -> int | None:
        blob = self._blob(key)
        return blob[0] if blob else None

    def open(self, key: str) -> IO[bytes]:
        blob = self._blob(key)
        if blob is None:
            raise FileMissing("Không tìm thấy tệp.")
        return io.BufferedReader(_ChunkReader(self._fetch, key, blob[1]), CHUNK_BYTES)

    def put(
        self,
        stream: IO[bytes],
        *,
        session: Session | Connection | None = None,
        max_bytes: int | None = None,
        head: bytes = b"",
    ) -> StoredFile:
        if isinstance(session, Connection):  # a migration's connection
            return self._put(session, stream, max_bytes, head)
        if session is not None:
            return self._put(session.connection(), stream, max_bytes, head)
        with self._engine.begin() as conn:
            return self._put(conn, stream, max_bytes, head)

    def _put(
        self, conn: Connection, stream: IO[bytes], max_bytes: int | None, head: bytes
    ) -> StoredFile:
        digest = hashlib.sha256()
        temp = f"tmp-{uuid.uuid4().hex}"
        insert_chunk = sa_insert(FileChunk)
        size = seq = 0
        for chunk in _chunks(head, stream, max_bytes):
            digest.update(chunk)
            conn.execute(insert_chunk.values(key=temp, seq=seq, data=chunk))
            size += len(chunk)
            seq += 1
        key = digest.hexdigest()
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        # RETURNING says whether this insert added the row (rowcount is not reliable here).
        added = conn.scalar(
            insert(FileBlob)
            .values(key=key, size=size, chunks=seq)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(FileBlob.key)
        )
        if added is not None:
            conn.execute(update(FileChunk).where(FileChunk.key == temp).values(key=key))
        else:  # the same bytes are stored already
            conn.execute(delete(FileChunk).where(FileChunk.key == temp))
        return StoredFile(key, size)


@dataclass(frozen=True)
class DirectoryStore:
    """Files in a folder, named ``<root>/<key[:2]>/<key>``; a shared mount for several hosts."""

    root: Path

    def describe(self) -> str:
        return f"directory {self.root}"

    def path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise FileMissing("Không tìm thấy tệp.")
        return self.root / key[:2] / key

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except (OSError, FileMissing):
            return None

    def open(self, key: str) -> IO[bytes]:
        try:
            return self.path(key).open("rb")
        except OSError:
            raise FileMissing("Không tìm thấy tệp.") from None

    def put(
        self,
        stream: IO[bytes],
        *,
        session: Session | Connection | None = None,
        max_bytes: int | None = None,
        head: bytes = b"",
    ) -> StoredFile:
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as tmp:
                for chunk in _chunks(head, stream, max_bytes):
                    digest.update(chunk)
                    tmp.write(chunk)
                    size += len(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            key = digest.hexdigest()
            target = self.path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.unlink(tmp_name)
            else:
                os.replace(tmp_name, target)
            return StoredFile(key, size)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise


def build_store(setting: str, engine: Engine) -> FileStore:
    """Return the store TDKT_FILE_STORE names, over the runtime's database ``engine``."""
    if setting == DATABASE:
        return DatabaseStore(engine)
    return DirectoryStore(Path(setting))


def iter_file(stream: IO[bytes]) -> Iterator[bytes]:
    """Yield a stored file's bytes in chunks and close it (a streamed response's body)."""
    with stream:
        while chunk := stream.read(CHUNK_BYTES):
            yield chunk


# Moving local files in (revision 0017, `tdkt files import-local`) and back out (its downgrade).
# Lightweight tables: these run inside migrations, whatever the models look like later.
_attachment = table("attachment", column("sha256", String))
_document = table(
    "generated_document",
    column("id", Integer),
    column("status", String),
    column("filename", String),
    column("file_path", String),
)


def _is_key(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


@dataclass
class MoveReport:
    """What a move of local files did: files stored, and files named by a row but not found."""

    stored: int = 0
    missing: list[str] = field(default_factory=list)


def import_local_files(conn: Connection, settings: Settings) -> MoveReport:
    """Put this host's local attachments and documents (TDKT_DATA_DIR) into the file store.

    Idempotent: a file already stored is stored once; a document row already naming a key is
    skipped. Runs on ``conn`` (a migration's), so it commits with it.
    """
    store = build_store(settings.file_store, conn.engine)
    report = MoveReport()
    data_dir = settings.data_dir
    for sha in conn.scalars(select(_attachment.c.sha256).distinct()).all():
        path = data_dir / "attachments" / sha[:2] / sha
        if not path.is_file():
            if not _stored(conn, store, sha):
                report.missing.append(str(path))
            continue
        with path.open("rb") as stream:
            stored = store.put(stream, session=conn)
        if stored.key != sha:
            log.warning("%s does not hash to its name (got %s); not moved", path, stored.key)
            report.missing.append(str(path))
            continue
        report.stored += 1
    rows = conn.execute(
        select(_document.c.id, _document.c.file_path).where(
            _document.c.status == "done", _document.c.file_path.is_not(None)
        )
    ).all()
    for document_id, file_path in rows:
        if _is_key(file_path):
            continue
        path = data_dir / "documents" / file_path
        if not path.is_file():
            report.missing.append(str(path))
            continue
        with path.open("rb") as stream:
            stored = store.put(stream, session=conn)
        conn.execute(
            update(_document).where(_document.c.id == document_id).values(file_path=stored.key)
        )
        report.stored += 1
    if report.missing:
        log.warning("%d local files named by rows were not found", len(report.missing))
    return report


def _stored(conn: Connection, store: FileStore, key: str) -> bool:
    if isinstance(store, DatabaseStore):
        return conn.scalar(select(FileBlob.key).where(FileBlob.key == key)) is not None
    return store.size(key) is not None


def _open_on(conn: Connection, store: FileStore, key: str) -> Iterator[bytes]:
    if isinstance(store, DatabaseStore):
        seq = 0
        while (
            data := conn.scalar(
                select(FileChunk.data).where(FileChunk.key == key, FileChunk.seq == seq)
            )
        ) is not None:
            yield bytes(data)
            seq += 1
        return
    yield from iter_file(store.open(key))


def _write(target: Path, chunks: Iterator[bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    with partial.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    os.replace(partial, target)


def export_local_files(conn: Connection, settings: Settings) -> MoveReport:
    """Write the stored attachments and documents back to TDKT_DATA_DIR (the layout before 0017)."""
    store = build_store(settings.file_store, conn.engine)
    report = MoveReport()
    data_dir = settings.data_dir
    for sha in conn.scalars(select(_attachment.c.sha256).distinct()).all():
        target = data_dir / "attachments" / sha[:2] / sha
        if target.exists():
            continue
        if not _stored(conn, store, sha):
            report.missing.append(sha)
            continue
        _write(target, _open_on(conn, store, sha))
        report.stored += 1
    rows = conn.execute(
        select(_document.c.id, _document.c.filename, _document.c.file_path).where(
            _document.c.status == "done", _document.c.file_path.is_not(None)
        )
    ).all()
    for document_id, filename, key in rows:
        if not _is_key(key) or not _stored(conn, store, key):
            continue
        relative = f"{document_id}-{filename}"
        _write(data_dir / "documents" / relative, _open_on(conn, store, key))
        conn.execute(
            update(_document).where(_document.c.id == document_id).values(file_path=relative)
        )
        report.stored += 1
    return report
