"""Pinned callbacks: a failed warm transfer's callback is listed above every due time.

Revision ID: 0010_pinned_callbacks
Revises: 0009_callback_work
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_pinned_callbacks"
down_revision = "0009_callback_work"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'claimed')")
OPEN_INDEXES = {"ix_callback_open_contractor_due": "contractor_id",
                "ix_callback_open_queue_due": "queue_id"}


def upgrade() -> None:
    with op.batch_alter_table("callback") as batch:
        batch.add_column(sa.Column("pinned", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    # Worklists read pinned first, then soonest due: the open-callback indexes in that order
    # keep a page an index scan that stops after its rows.
    for name, column in OPEN_INDEXES.items():
        op.drop_index(name, table_name="callback")
        op.create_index(name, "callback", [column, sa.text("pinned DESC"), "due_at", "id"],
                        postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    for name, column in OPEN_INDEXES.items():
        op.drop_index(name, table_name="callback")
        op.create_index(name, "callback", [column, "due_at", "id"], postgresql_where=OPEN,
                        sqlite_where=OPEN)
    with op.batch_alter_table("callback") as batch:
        batch.drop_column("pinned")
