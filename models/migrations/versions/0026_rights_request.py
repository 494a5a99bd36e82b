"""Rights requests: subject access and termination of service, tracked with their clocks.

Revision ID: 0026_rights_request
Revises: 0025_quality_evaluation
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_rights_request"
down_revision = "0025_quality_evaluation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rights_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("logged_by", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("funder_due", sa.Date, nullable=True),
        sa.Column("answer_due", sa.Date, nullable=False),
        sa.Column("funder_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("identity_confirmed_by", sa.String(64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("surname", sa.String(100), nullable=True),
        sa.Column("first_name", sa.String(100), nullable=True),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("postcode", sa.String(8), nullable=True),
        sa.Column("reply_to", sa.String(254), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("rights_request")
