"""Written enquiries: webform and email threads with their queues and response clocks.

Revision ID: 0008_written_enquiries
Revises: 0007_identity_checks
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_written_enquiries"
down_revision = "0007_identity_checks"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "written_enquiry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("queue_id", sa.String(48), nullable=False),
        sa.Column("destination", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reply_to", sa.String(254), nullable=True),
        sa.Column("thread_id", sa.String(255), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("decision", sa.JSON, nullable=False),
        _when("received_at"),
        _when("first_response_due"),
        _when("final_response_due", nullable=True),
        _when("first_responded_at", nullable=True),
        _when("closed_at", nullable=True),
        sa.UniqueConstraint("contact_key", name="uq_written_enquiry_contact_key"),
        sa.CheckConstraint("channel IN ('webform', 'email')", name="ck_written_enquiry_channel"),
        sa.CheckConstraint("status IN ('open', 'answered', 'closed')",
                           name="ck_written_enquiry_status"),
    )
    op.create_index("ix_written_enquiry_queue", "written_enquiry",
                    ["queue_id", "status", "first_response_due", "id"])
    op.create_index("ix_written_enquiry_thread", "written_enquiry", ["thread_id"])
    op.create_table(
        "enquiry_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("enquiry_id", sa.Integer,
                  sa.ForeignKey("written_enquiry.id", ondelete="CASCADE"), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        _when("at"),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("staff_id", sa.String(64), nullable=True),
        sa.Column("attachments_dropped", sa.Integer, nullable=False),
        sa.UniqueConstraint("message_id", name="uq_enquiry_message_id"),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_enquiry_message_direction"),
    )
    op.create_index("ix_enquiry_message_enquiry", "enquiry_message", ["enquiry_id", "at"])


def downgrade() -> None:
    op.drop_table("enquiry_message")
    op.drop_table("written_enquiry")
