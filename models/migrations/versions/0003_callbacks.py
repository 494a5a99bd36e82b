"""Callbacks: durable callback tasks (one per contact key) and up to three attempts each.

Revision ID: 0003_callbacks
Revises: 0001_baseline
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_callbacks"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

STATUSES = "('pending', 'claimed', 'completed', 'failed', 'cancelled')"
OUTCOMES = "('reached', 'no_answer', 'busy', 'voicemail', 'wrong_number')"


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "callback",
        sa.Column("id", sa.Integer, primary_key=True),
        # The CallSid or chat session id: unique, so a retried create finds the first callback.
        sa.Column("contact_key", sa.String(128), nullable=False),
        sa.Column("contractor_id", sa.String(32), nullable=True),
        sa.Column("queue_id", sa.String(32), nullable=True),
        _when("due_at"),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _when("available_at"),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        _when("lease_expires_at", nullable=True),
        sa.Column("claim_count", sa.Integer, nullable=False),
        sa.Column("attempt_count", sa.Integer, nullable=False),
        _when("finished_at", nullable=True),
        sa.UniqueConstraint("contact_key", name="uq_callback_contact_key"),
        sa.CheckConstraint("(contractor_id IS NULL) <> (queue_id IS NULL)",
                           name="ck_callback_owner"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_callback_status"),
        sa.CheckConstraint("attempt_count BETWEEN 0 AND 3", name="ck_callback_attempts"),
    )
    # Staff list and claim by owner and due time.
    op.create_index("ix_callback_contractor_due", "callback", ["contractor_id", "status", "due_at"])
    op.create_index("ix_callback_queue_due", "callback", ["queue_id", "status", "due_at"])
    op.create_index("ix_callback_status_due", "callback", ["status", "due_at"])
    op.create_table(
        "callback_attempt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("callback_id", sa.Integer,
                  sa.ForeignKey("callback.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        _when("at"),
        sa.UniqueConstraint("callback_id", "number", name="uq_callback_attempt_number"),
        sa.CheckConstraint("number BETWEEN 1 AND 3", name="ck_callback_attempt_number"),
        sa.CheckConstraint(f"outcome IN {OUTCOMES}", name="ck_callback_attempt_outcome"),
    )


def downgrade() -> None:
    op.drop_table("callback_attempt")
    op.drop_index("ix_callback_status_due", table_name="callback")
    op.drop_index("ix_callback_queue_due", table_name="callback")
    op.drop_index("ix_callback_contractor_due", table_name="callback")
    op.drop_table("callback")
