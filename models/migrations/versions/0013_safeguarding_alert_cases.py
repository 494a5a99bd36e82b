"""Safeguarding alert cases: each alert's life (acknowledged, assigned, outcome, closed).

Revision ID: 0013_safeguarding_alert_cases
Revises: 0012_staff_totp
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_safeguarding_alert_cases"
down_revision = "0012_staff_totp"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _who(name: str) -> sa.Column:
    return sa.Column(name, sa.String(64), nullable=True)


def upgrade() -> None:
    op.create_table(
        "safeguarding_alert_case",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.String(32), nullable=False),
        sa.Column("contact_key", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("explicit", sa.Boolean, nullable=False),
        sa.Column("about", sa.String(8), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        _who("adviser"),
        _when("raised_at", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _when("acknowledged_at"), _who("acknowledged_by"),
        _who("assigned_to"), _when("assigned_at"), _who("assigned_by"),
        sa.Column("outcome", sa.String(48), nullable=True),
        _when("outcome_at"), _who("outcome_by"),
        _when("closed_at"), _who("closed_by"),
        sa.UniqueConstraint("alert_id", "contact_key", name="uq_safeguarding_case_alert"),
        sa.CheckConstraint("status IN ('new', 'acknowledged', 'closed')",
                           name="ck_safeguarding_case_status"),
    )
    op.create_index("ix_safeguarding_case_status_raised", "safeguarding_alert_case",
                    ["status", "raised_at"])
    op.create_index("ix_safeguarding_case_raised", "safeguarding_alert_case", ["raised_at"])
    op.create_index("ix_safeguarding_case_contact", "safeguarding_alert_case", ["contact_key"])


def downgrade() -> None:
    op.drop_table("safeguarding_alert_case")
