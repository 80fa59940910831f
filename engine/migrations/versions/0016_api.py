"""API: token scopes and expiry, idempotency keys, webhooks

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-01 13:00:00

api_token.scope: 'read' (GET only) or 'act' (every operation its user may do); existing tokens
keep acting ('act'). api_token.expires_at: the token stops working then (NULL: never).
idempotency_record: the first answer to a POST carrying an Idempotency-Key, per user and key,
replayed for 24 hours (engine.domain.idempotency). webhook_endpoint: an administrator's
registered URL, its signing secret and event types; webhook_delivery: the delivery log, each
sent through an outbox row of channel 'webhook' (engine.notify.webhooks).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = '0016'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('scope', sa.String(length=10), server_default='act', nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                'expires_at', engine.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.create_table(
        'idempotency_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('headers', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'],
            ['app_user.id'],
            name=op.f('fk_idempotency_record_user_id_app_user'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotency_record_user_id')),
    )
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.create_index('ix_idempotency_record_created_at', ['created_at'], unique=False)


    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_channel'), type_='check')
        batch_op.create_check_constraint(
            'channel', "channel IN ('email', 'digest', 'webhook')"
        )
    op.create_table(
        'webhook_endpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('event_types', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by'], ['app_user.id'], name=op.f('fk_webhook_endpoint_created_by_app_user')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
    )
    op.create_table(
        'webhook_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('event_type', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['endpoint_id'],
            ['webhook_endpoint.id'],
            name=op.f('fk_webhook_delivery_endpoint_id_webhook_endpoint'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['outbox_id'], ['outbox.id'], name=op.f('fk_webhook_delivery_outbox_id_outbox')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery')),
        sa.UniqueConstraint('outbox_id', name=op.f('uq_webhook_delivery_outbox_id')),
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_webhook_delivery_endpoint_id'), ['endpoint_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_endpoint_id'))
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_endpoint')
    op.execute("DELETE FROM outbox WHERE channel = 'webhook'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_channel'), type_='check')
        batch_op.create_check_constraint('channel', "channel IN ('email', 'digest')")
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_record_created_at')
    op.drop_table('idempotency_record')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
