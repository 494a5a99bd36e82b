"""The 31-day sample survey: invitations with a one-use token, and a response's source.

Revision ID: 0029_survey_31_day
Revises: 0028_information_confirmation
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_survey_31_day"
down_revision = "0028_information_confirmation"
branch_labels = None
depends_on = None

_RESPONSE_COLUMNS = (
    ("id", sa.Integer), ("contact_key", sa.String(64)), ("channel", sa.String(16)),
    ("route", sa.String(40)), ("queue", sa.String(64)), ("contractor", sa.String(64)),
    ("score", sa.Integer), ("got_what_they_needed", sa.Boolean),
    ("at", sa.DateTime(timezone=True)))


def upgrade() -> None:
    op.create_table(
        "survey_invitation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(128), nullable=False, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("route", sa.String(40), nullable=False),
        sa.Column("notify", sa.String(8), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sid", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("token_sha256", sa.String(64), nullable=True, unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_survey_invitation_open", "survey_invitation",
                    ["status", "next_attempt_at"])
    # One response per contact and source (the 31-day survey's beside the one after the contact).
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("satisfaction_response_contact_key_key", "satisfaction_response")
        op.add_column("satisfaction_response", sa.Column(
            "source", sa.String(16), nullable=False, server_default="after_contact"))
        op.create_unique_constraint("uq_satisfaction_response_source", "satisfaction_response",
                                    ["contact_key", "source"])
        return
    # SQLite cannot drop an unnamed constraint: the table is rebuilt from its columns without it.
    old = sa.Table("satisfaction_response", sa.MetaData(),
                   *(sa.Column(name, kind, primary_key=name == "id")
                     for name, kind in _RESPONSE_COLUMNS))
    with op.batch_alter_table("satisfaction_response", copy_from=old,
                              recreate="always") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False,
                                   server_default="after_contact"))
        batch.create_unique_constraint("uq_satisfaction_response_source",
                                       ["contact_key", "source"])
    op.create_index("ix_satisfaction_response_at", "satisfaction_response", ["at"],
                    if_not_exists=True)


def downgrade() -> None:
    op.execute("DELETE FROM satisfaction_response WHERE source <> 'after_contact'")
    with op.batch_alter_table("satisfaction_response") as batch:
        batch.drop_constraint("uq_satisfaction_response_source", type_="unique")
        batch.drop_column("source")
        batch.create_unique_constraint("satisfaction_response_contact_key_key", ["contact_key"])
    op.drop_table("survey_invitation")
