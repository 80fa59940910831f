"""server-side browser sessions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:00:00

user_session: one row per log-in; the session cookie carries a random token whose SHA-256 is
token_hash (unique, the lookup of every signed-in request). Log-out, a password reset, a
deactivation and an administrator's "sign out everywhere" set ended_at, so a copied cookie stops
working (engine.domain.sessions). Sessions signed in before this revision carry no token and
must log in again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('user_agent', sa.String(length=255), nullable=True),
        sa.Column('ip_address', sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['app_user.id'],
            name=op.f('fk_user_session_user_id_app_user'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
