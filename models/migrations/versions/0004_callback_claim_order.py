"""Callback claim order: the owner and status indexes end in (due_at, id), the claim's order.

With id in the index, the first claimable callback is read in index order and the claim stops
at it, instead of sorting every pending callback of the owner on each claim; a second index finds
the few claims whose lease has lapsed without reading every claimed callback.

Revision ID: 0004_callback_claim_order
Revises: 0003_callbacks
"""

from alembic import op

revision = "0004_callback_claim_order"
down_revision = "0003_callbacks"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_callback_contractor_due": ["contractor_id", "status", "due_at"],
    "ix_callback_queue_due": ["queue_id", "status", "due_at"],
    "ix_callback_status_due": ["status", "due_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="callback")
        op.create_index(name, "callback", [*columns, "id"])
    op.create_index("ix_callback_status_lease", "callback", ["status", "lease_expires_at"])


def downgrade() -> None:
    op.drop_index("ix_callback_status_lease", table_name="callback")
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="callback")
        op.create_index(name, "callback", columns)
