"""Quality evaluations: a supervisor's weighted scores for an adviser's handling of a contact.

Revision ID: 0025_quality_evaluation
Revises: 0024_satisfaction_response
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_quality_evaluation"
down_revision = "0024_satisfaction_response"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quality_evaluation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(64), nullable=False, unique=True),
        sa.Column("adviser_id", sa.Integer, nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("evaluator", sa.String(64), nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_quality_evaluation_adviser_id", "quality_evaluation", ["adviser_id"])
    op.create_index("ix_quality_evaluation_week", "quality_evaluation", ["week"])


def downgrade() -> None:
    op.drop_index("ix_quality_evaluation_week", table_name="quality_evaluation")
    op.drop_index("ix_quality_evaluation_adviser_id", table_name="quality_evaluation")
    op.drop_table("quality_evaluation")
