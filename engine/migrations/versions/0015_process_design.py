"""process designers: deploy notes per version and designer group names mapped to roles

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-01 13:00:00

workflow_spec.design: what the deploy check learnt of a version besides its spec (the warnings
for every setting it does not use, the start form and who may start it, the designer group
names of its lanes and candidate groups), JSON; NULL for versions deployed before.
process_group_role: per process, a designer's group or lane name ("Manager") mapped to one of
the procedure's roles (engine.workflow.notations, docs/process-design.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('workflow_spec', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design', sa.JSON(), nullable=True))
    op.create_table(
        'process_group_role',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.String(length=120), nullable=False),
        sa.Column('group_name', sa.String(length=255), nullable=False),
        sa.Column('role_code', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ['role_code'], ['role.code'], name=op.f('fk_process_group_role_role_code_role')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_process_group_role')),
        sa.UniqueConstraint(
            'process_id', 'group_name', name='uq_process_group_role_process_group'
        ),
    )


def downgrade() -> None:
    op.drop_table('process_group_role')
    with op.batch_alter_table('workflow_spec', schema=None) as batch_op:
        batch_op.drop_column('design')
