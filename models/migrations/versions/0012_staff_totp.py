"""Staff accounts: a sealed TOTP secret for the second factor, and the last step it accepted.

Revision ID: 0012_staff_totp
Revises: 0011_staff_must_change_password
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_staff_totp"
down_revision = "0011_staff_must_change_password"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs, not a batch copy: SQLite's copy of the table would lose the
    # expression index that keeps usernames unique whatever their case.
    op.add_column("staff_user", sa.Column("totp_secret", sa.String(256), nullable=True))
    op.add_column("staff_user", sa.Column("totp_last_step", sa.BigInteger, nullable=True))


def downgrade() -> None:
    op.drop_index("ix_staff_user_lower_username", table_name="staff_user")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
    op.create_index("ix_staff_user_lower_username", "staff_user", [sa.text("lower(username)")],
                    unique=True)
