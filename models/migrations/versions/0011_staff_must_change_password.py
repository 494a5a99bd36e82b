"""Staff accounts: a password an administrator set must be changed at the next sign-in.

Revision ID: 0011_staff_must_change_password
Revises: 0010_pinned_callbacks
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_staff_must_change_password"
down_revision = "0010_pinned_callbacks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch copy: SQLite's copy of the table would lose the
    # expression index that keeps usernames unique whatever their case.
    op.add_column("staff_user", sa.Column("must_change_password", sa.Boolean, nullable=False,
                                          server_default=sa.false()))


def downgrade() -> None:
    op.drop_index("ix_staff_user_lower_username", table_name="staff_user")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("must_change_password")
    op.create_index("ix_staff_user_lower_username", "staff_user", [sa.text("lower(username)")],
                    unique=True)
