"""the user's language: pages and e-mails in the language the user chose

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 16:30:00

app_user.language is "vi" or "en" once the user picks a language (the switch in the menu, or the
notifications page); NULL until then (pages follow the browser's Accept-Language, e-mails are
Vietnamese). Nothing to fill in for existing users.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("language")
