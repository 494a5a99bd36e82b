"""Written confirmation of the information a customer was given (000:L21, 000:L115).

Revision ID: 0028_information_confirmation
Revises: 0027_follow_up
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_information_confirmation"
down_revision = "0027_follow_up"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "information_confirmation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(128), nullable=False),
        sa.Column("articles", sa.JSON, nullable=False),
        sa.Column("notify", sa.String(8), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sid", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(64), nullable=True),
    )
    op.create_index("ix_information_confirmation_contact_key", "information_confirmation",
                    ["contact_key"])
    op.create_index("ix_information_confirmation_open", "information_confirmation",
                    ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("information_confirmation")
