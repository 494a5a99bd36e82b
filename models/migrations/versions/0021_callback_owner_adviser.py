"""Callbacks reserved for one adviser: the callback an adviser promises after research.

Revision ID: 0021_callback_owner_adviser
Revises: 0016_staff_display_name
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_callback_owner_adviser"
down_revision = "0020_callback_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: nullable, so no table copy on SQLite and no rewrite on PostgreSQL.
    op.add_column("callback", sa.Column("owner_adviser", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("callback") as batch:
        batch.drop_column("owner_adviser")
