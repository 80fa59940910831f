"""saved filters of the inboxes and the dossier list

Revision ID: 0012
Revises: 0014 (0010 before main's 0013 and 0015 were merged)
Create Date: 2026-12-01 13:20:00

saved_filter: a user's named filter of one list (mine, group, dossiers): its query arguments,
checked by ListFilters when saved (engine.domain.saved_filters).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = '0012'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_filter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('list_name', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['app_user.id'],
            name=op.f('fk_saved_filter_user_id_app_user'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filter')),
    )
    with op.batch_alter_table('saved_filter', schema=None) as batch_op:
        batch_op.create_index(
            'uq_saved_filter_user_list_name', ['user_id', 'list_name', 'name'], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table('saved_filter', schema=None) as batch_op:
        batch_op.drop_index('uq_saved_filter_user_list_name')
    op.drop_table('saved_filter')
