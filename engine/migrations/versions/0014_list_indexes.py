"""indexes that serve the inboxes' and the dossier list's filter and order

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-01 13:00:00

human_task: "my tasks" by (assignee_id, due_at, id) and "my groups' tasks" by (candidate_role,
due_at, id), partial on open (and unclaimed) tasks, so an inbox page of 25 is read off the index
in its order instead of sorting every open task (issue 20); the first replaces the open-assignee
index, of which it is an extension. dossier: the list's default order, (updated_at, id) and per
unit (unit_id, updated_at, id).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text('completed_at IS NULL')
UNCLAIMED = sa.text('completed_at IS NULL AND assignee_id IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_open_assignee', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_human_task_open_assignee_due', ['assignee_id', 'due_at', 'id'], unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_human_task_unclaimed_role_due', ['candidate_role', 'due_at', 'id'], unique=False, postgresql_where=UNCLAIMED, sqlite_where=UNCLAIMED)
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_updated_at_id', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_dossier_unit_updated_at_id', ['unit_id', 'updated_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_unit_updated_at_id')
        batch_op.drop_index('ix_dossier_updated_at_id')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_unclaimed_role_due', postgresql_where=UNCLAIMED, sqlite_where=UNCLAIMED)
        batch_op.drop_index('ix_human_task_open_assignee_due', postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_human_task_open_assignee', ['assignee_id'], unique=False, postgresql_where=OPEN, sqlite_where=OPEN)
