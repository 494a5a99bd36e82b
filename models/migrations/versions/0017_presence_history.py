"""Presence history: each adviser's statuses as intervals, for occupancy and advisers available.

Revision ID: 0017_presence_history
Revises: 0016_staff_display_name
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_presence_history"
down_revision = "0016_staff_display_name"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presence_interval",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("adviser_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("queues", sa.String(1000), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_presence_interval_adviser_id", "presence_interval", ["adviser_id"])
    op.create_index("ix_presence_interval_started", "presence_interval", ["started"])
    # One open interval per adviser: two processes noticing one change cannot both open a row.
    op.create_index("ix_presence_interval_open", "presence_interval", ["adviser_id"], unique=True,
                    postgresql_where=sa.text("ended IS NULL"),
                    sqlite_where=sa.text("ended IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_presence_interval_open", table_name="presence_interval")
    op.drop_index("ix_presence_interval_started", table_name="presence_interval")
    op.drop_index("ix_presence_interval_adviser_id", table_name="presence_interval")
    op.drop_table("presence_interval")
