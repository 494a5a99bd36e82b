"""Contact records: customers, contacts, their append-only events, and the log of erasures.

Revision ID: 0002_contacts
Revises: 0001_baseline
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_contacts"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("surname", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.Column("secret_hash", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_contact_at", sa.DateTime(timezone=True), nullable=False),
        # 000:L61: a customer is the same customer only when all four facts match.
        sa.UniqueConstraint(
            "surname", "first_name", "date_of_birth", "postcode", name="uq_customer_identity"
        ),
    )
    op.create_index("ix_customer_last_contact_at", "customer", ["last_contact_at"])
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("dialled", sa.String(32)),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column(
            "customer_id",
            sa.Integer,
            sa.ForeignKey("customer.id", ondelete="SET NULL", name="fk_contact_customer"),
        ),
        sa.Column("indicator", sa.String(32)),
        sa.Column("last_seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("purged_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("key", name="uq_contact_key"),
    )
    op.create_index("ix_contact_started_at", "contact", ["started_at"])
    op.create_index("ix_contact_customer_id", "contact", ["customer_id"])
    op.create_table(
        "contact_event",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "contact_id",
            sa.Integer,
            sa.ForeignKey("contact.id", ondelete="CASCADE", name="fk_contact_event_contact"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("detail", sa.JSON),
        sa.Column("text", sa.Text),
        # A retried webhook carries the same event id: it must write once.
        sa.UniqueConstraint("contact_id", "event_id", name="uq_contact_event_once"),
    )
    op.create_index("ix_contact_event_order", "contact_event", ["contact_id", "seq"])
    op.create_index("ix_contact_event_kind_at", "contact_event", ["kind", "at"])
    op.create_table(
        "erasure_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.UniqueConstraint("reference", name="uq_erasure_record_reference"),
    )


def downgrade() -> None:
    op.drop_table("erasure_record")
    op.drop_index("ix_contact_event_kind_at", table_name="contact_event")
    op.drop_index("ix_contact_event_order", table_name="contact_event")
    op.drop_table("contact_event")
    op.drop_index("ix_contact_customer_id", table_name="contact")
    op.drop_index("ix_contact_started_at", table_name="contact")
    op.drop_table("contact")
    op.drop_index("ix_customer_last_contact_at", table_name="customer")
    op.drop_table("customer")
