"""one award row per dossier

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 09:00:00

award_record.dossier_id becomes unique (NULLs, i.e. imported rows, allowed many times): the
award is written with INSERT … ON CONFLICT (dossier_id) DO NOTHING, one statement instead of a
look-up, an existence check and an insert (engine.domain.dossiers._record_awards). The procedure has
always written at most one row per dossier, so existing data satisfies the index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.create_index('uq_award_record_dossier_id', ['dossier_id'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('award_record', schema=None) as batch_op:
        batch_op.drop_index('uq_award_record_dossier_id')
