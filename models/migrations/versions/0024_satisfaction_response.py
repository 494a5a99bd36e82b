"""Satisfaction responses: the survey's answers after a contact, one row per contact.

Revision ID: 0024_satisfaction_response
Revises: 0021_callback_owner_adviser
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_satisfaction_response"
down_revision = "0021_callback_owner_adviser"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "satisfaction_response",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(64), nullable=False, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("contractor", sa.String(64), nullable=True),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("got_what_they_needed", sa.Boolean, nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_satisfaction_response_at", "satisfaction_response", ["at"])


def downgrade() -> None:
    op.drop_index("ix_satisfaction_response_at", table_name="satisfaction_response")
    op.drop_table("satisfaction_response")
