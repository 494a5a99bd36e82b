"""The follow-up programme: follow-ups flagged after a customer's last contact, and opt-outs.

Revision ID: 0027_follow_up
Revises: 0026_rights_request
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_follow_up"
down_revision = "0026_rights_request"
branch_labels = None
# The customer table it refers to is made on the other branch (0002_contacts).
depends_on = "0002_contacts"


def upgrade() -> None:
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contact_key", sa.String(64), nullable=False),
        sa.Column("last_contact_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("service", sa.String(16), nullable=True),
        sa.Column("stage", sa.Integer, nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("callback_id", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("positive", sa.Boolean, nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_by", sa.String(64), nullable=True),
        sa.UniqueConstraint("contact_key", "stage", name="uq_follow_up_contact_stage"),
        sa.CheckConstraint("stage IN (1, 2)", name="ck_follow_up_stage"),
        sa.CheckConstraint("status IN ('open', 'completed', 'declined', 'unreachable', "
                           "'cancelled', 'not_followed')", name="ck_follow_up_status"),
    )
    op.create_index("ix_follow_up_customer_id", "follow_up", ["customer_id"])
    op.create_index("ix_follow_up_status_due", "follow_up", ["status", "due_at", "id"])
    op.create_index("ix_follow_up_next_due", "follow_up", ["stage", "next_due_at"])
    op.create_index("ix_follow_up_finished", "follow_up", ["finished_at"])
    op.create_table(
        "follow_up_opt_out",
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("follow_up_opt_out")
    op.drop_index("ix_follow_up_finished", "follow_up")
    op.drop_index("ix_follow_up_next_due", "follow_up")
    op.drop_index("ix_follow_up_status_due", "follow_up")
    op.drop_index("ix_follow_up_customer_id", "follow_up")
    op.drop_table("follow_up")
