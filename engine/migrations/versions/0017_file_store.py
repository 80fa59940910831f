"""the file store: attachments, documents and import uploads in the database (or a shared folder)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 13:00:00

file_blob / file_chunk hold content-addressed files (engine.files.DatabaseStore). The upgrade
moves what this host kept on its local disk into the store TDKT_FILE_STORE names:
TDKT_DATA_DIR/attachments/<sha[:2]>/<sha> (attachment.sha256 stays the key) and
TDKT_DATA_DIR/documents/<file_path> (generated_document.file_path becomes the file's key). Files
already missing stay missing (their download answers 404, as before). The local files are left
in place; delete them once every host runs this revision. Run the upgrade on the host that kept
the files (with several hosts each kept its own: run `tdkt db upgrade` once, then
`tdkt files import-local` on each other host — see docs/operations.md).

The downgrade writes the stored files back to TDKT_DATA_DIR on the host that runs it, then drops
the tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base
from engine.config import Settings

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "file_blob",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_file_blob")),
    )
    op.create_table(
        "file_chunk",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", "seq", name=op.f("pk_file_chunk")),
    )
    from engine.files import import_local_files

    import_local_files(op.get_bind(), _settings())


def downgrade() -> None:
    from engine.files import export_local_files

    export_local_files(op.get_bind(), _settings())
    op.drop_table("file_chunk")
    op.drop_table("file_blob")


def _settings() -> Settings:
    config = op.get_context().config
    settings = config.attributes.get("settings") if config is not None else None
    if settings is None:
        from engine.config import load_settings

        settings = load_settings()
    assert isinstance(settings, Settings)
    return settings
