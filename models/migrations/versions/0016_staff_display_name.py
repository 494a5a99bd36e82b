"""Staff accounts: the display name a customer sees for an adviser (never the login name).

Revision ID: 0016_staff_display_name
Revises: 0012_staff_totp
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_staff_display_name"
down_revision = "0013_safeguarding_alert_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (as 0012): a batch copy on SQLite would lose the lower(username) index.
    op.add_column("staff_user", sa.Column("display_name", sa.String(40), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_staff_user_lower_username", table_name="staff_user")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("display_name")
    op.create_index("ix_staff_user_lower_username", "staff_user", [sa.text("lower(username)")],
                    unique=True)
