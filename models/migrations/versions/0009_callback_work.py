"""Working callbacks: the worker's due marks, outcome codes, "failed" calls and click-to-call dials.

Revision ID: 0009_callback_work
Revises: 0008_written_enquiries
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_callback_work"
down_revision = "0008_written_enquiries"
branch_labels = None
depends_on = None

OLD_OUTCOMES = "('reached', 'no_answer', 'busy', 'voicemail', 'wrong_number')"
NEW_OUTCOMES = "('reached', 'no_answer', 'busy', 'voicemail', 'wrong_number', 'failed')"
DIAL_STATES = "('ringing_adviser', 'dialling_customer', 'answered', 'ended')"
OPEN = sa.text("status IN ('pending', 'claimed')")
OPEN_INDEXES = {"ix_callback_open_contractor_due": "contractor_id",
                "ix_callback_open_queue_due": "queue_id"}


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("callback") as batch:
        batch.add_column(sa.Column("alert", sa.String(16), nullable=True))
        batch.add_column(_when("alerted_at", nullable=True))
    # SQLite cannot alter a CHECK constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("callback_attempt", recreate="always") as batch:
        batch.add_column(sa.Column("outcome_code", sa.String(32), nullable=True))
        batch.add_column(sa.Column("dial_id", sa.Integer, nullable=True))
        batch.create_unique_constraint("uq_callback_attempt_dial", ["dial_id"])
        batch.drop_constraint("ck_callback_attempt_outcome", type_="check")
        batch.create_check_constraint("ck_callback_attempt_outcome", f"outcome IN {NEW_OUTCOMES}")
    op.create_table(
        "callback_dial",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("callback_id", sa.Integer,
                  sa.ForeignKey("callback.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token", sa.String(32), nullable=False, unique=True),
        sa.Column("staff_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("adviser_call_sid", sa.String(64), nullable=True),
        sa.Column("customer_call_sid", sa.String(64), nullable=True),
        sa.Column("answered_by", sa.String(32), nullable=True),
        sa.Column("result", sa.String(32), nullable=True),
        _when("started_at"),
        _when("updated_at"),
        sa.CheckConstraint(f"state IN {DIAL_STATES}", name="ck_callback_dial_state"),
    )
    op.create_index("ix_callback_dial_callback", "callback_dial", ["callback_id", "id"])
    # Worklists read one owner's open callbacks soonest due first, a page at a time: a partial
    # index in that order lets the page stop after its rows instead of sorting the owner's all.
    for name, column in OPEN_INDEXES.items():
        op.create_index(name, "callback", [column, "due_at", "id"], postgresql_where=OPEN,
                        sqlite_where=OPEN)


def downgrade() -> None:
    for name in OPEN_INDEXES:
        op.drop_index(name, table_name="callback")
    op.drop_index("ix_callback_dial_callback", table_name="callback_dial")
    op.drop_table("callback_dial")
    op.execute("DELETE FROM callback_attempt WHERE outcome = 'failed'")
    with op.batch_alter_table("callback_attempt", recreate="always") as batch:
        batch.drop_constraint("ck_callback_attempt_outcome", type_="check")
        batch.create_check_constraint("ck_callback_attempt_outcome", f"outcome IN {OLD_OUTCOMES}")
        batch.drop_constraint("uq_callback_attempt_dial", type_="unique")
        batch.drop_column("dial_id")
        batch.drop_column("outcome_code")
    with op.batch_alter_table("callback") as batch:
        batch.drop_column("alerted_at")
        batch.drop_column("alert")
