"""Written confirmation of callbacks: how the customer is told, each message's claim, opt-outs.

Revision ID: 0020_callback_messages
Revises: 0016_staff_display_name
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_callback_messages"
down_revision = "0017_presence_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (as 0016): a batch copy on SQLite would lose the partial indexes.
    op.add_column("callback", sa.Column("notify", sa.String(8), nullable=True))
    op.add_column("callback", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("callback", sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "text_opt_out",
        sa.Column("number_hash", sa.String(64), primary_key=True),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("text_opt_out")
    # Indexes named as in 0010: a batch copy on SQLite rebuilds the table, so they are put back.
    with op.batch_alter_table("callback") as batch:
        for column in ("reminded_at", "confirmed_at", "notify"):
            batch.drop_column(column)
