"""Management information: figure counters rolled up per hour.

Revision ID: 0006_figure_hour
Revises: 0005_staff
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_figure_hour"
down_revision = "0005_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figure_hour",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("hour_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("local_hour", sa.Integer, nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("first", sa.String(48), nullable=False),
        sa.Column("second", sa.String(48), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.UniqueConstraint("hour_start", "measure", "first", "second", name="uq_figure_hour"),
    )
    op.create_index("ix_figure_hour_day", "figure_hour", ["local_date", "measure"])


def downgrade() -> None:
    op.drop_index("ix_figure_hour_day", table_name="figure_hour")
    op.drop_table("figure_hour")
