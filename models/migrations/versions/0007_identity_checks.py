"""Identity checks: the audit of matching, authenticating and releasing customer records.

Revision ID: 0007_identity_checks
Revises: 0006_figure_hour
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_identity_checks"
down_revision = "0006_figure_hour"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_check",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.Integer),
        sa.Column("contact_key", sa.String(64)),
    )
    op.create_index("ix_identity_check_customer", "identity_check", ["customer_id", "at"])
    op.create_index("ix_identity_check_contact", "identity_check", ["contact_key"])


def downgrade() -> None:
    op.drop_table("identity_check")
