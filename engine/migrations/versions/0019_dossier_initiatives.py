"""initiatives attached to dossiers (issue 16)

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-01 16:30:00

dossier_initiative links a dossier to the initiatives or research (sáng kiến, đề tài) of its
nominee that the unit's clerk chose; eligibility reads them when any are attached
(docs/agency-import.md, "Attaching initiatives to a dossier"). The downgrade drops the links.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dossier_initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("attached_by", sa.Integer(), nullable=True),
        sa.Column(
            "attached_at", engine.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["attached_by"],
            ["app_user.id"],
            name=op.f("fk_dossier_initiative_attached_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_initiative_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name=op.f("fk_dossier_initiative_initiative_id_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_initiative")),
    )
    with op.batch_alter_table("dossier_initiative", schema=None) as batch_op:
        batch_op.create_index(
            "uq_dossier_initiative", ["dossier_id", "initiative_id"], unique=True
        )
        batch_op.create_index(
            "ix_dossier_initiative_initiative", ["initiative_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier_initiative", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_initiative_initiative")
        batch_op.drop_index("uq_dossier_initiative")
    op.drop_table("dossier_initiative")
