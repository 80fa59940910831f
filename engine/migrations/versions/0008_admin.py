"""campaign opening (administration pages)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:00:00

campaign.opened_at / opened_by: a campaign is a draft until the secretariat opens it, which is
when the units are notified (engine.admin.open_campaign).
human_task.due_working_days: the limit due_at was counted from, so that a calendar change can
recount due dates without loading workflows (engine.admin.set_calendar_day). Rows projected
before this revision have NULL and are recounted from their old due date.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_working_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('opened_at', engine.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('opened_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_campaign_opened_by_app_user'), 'app_user', ['opened_by'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campaign_opened_by_app_user'), type_='foreignkey')
        batch_op.drop_column('opened_by')
        batch_op.drop_column('opened_at')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_column('due_working_days')
