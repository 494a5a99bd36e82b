"""Staff accounts and the append-only audit log of the staff console.

Revision ID: 0005_staff
Revises: 0004_callback_claim_order
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_staff"
down_revision = "0004_callback_claim_order"
branch_labels = None
depends_on = None

ROLES = "('adviser', 'supervisor', 'admin', 'contractor_adviser')"


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("contractor_id", sa.String(32), nullable=True),
        sa.Column("queues", sa.JSON, nullable=False),
        sa.Column("endpoint", sa.String(130), nullable=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", name="uq_staff_user_username"),
        sa.CheckConstraint(f"role IN {ROLES}", name="ck_staff_user_role"),
        # A contractor adviser belongs to exactly one prime contractor; nobody else to any.
        sa.CheckConstraint("(role = 'contractor_adviser') = (contractor_id IS NOT NULL)",
                           name="ck_staff_user_contractor"),
    )
    op.create_index("ix_staff_user_lower_username", "staff_user", [sa.text("lower(username)")],
                    unique=True)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("target", sa.String(128), nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
    )
    for column in ("at", "actor", "action", "target"):
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])
    if op.get_bind().dialect.name == "postgresql":
        # Append-only in the database itself, not just in the code that writes it.
        op.execute(APPEND_ONLY)


APPEND_ONLY = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table("audit_log")
    op.drop_index("ix_staff_user_lower_username", table_name="staff_user")
    op.drop_table("staff_user")
