"""Staff accounts and the append-only audit log (001:29.2-29.3: one account per person).

A staff user has one role; a contractor adviser is bound to exactly one prime contractor; an
adviser has the contact-centre queues they may take (skills) and the endpoint their phone rings
(a UK number or `client:NAME`). Passwords are stored only as argon2id hashes (console.passwords).
The audit log is only ever inserted into: no function here updates or deletes an entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, Session, SQLModel, select

from config import clock as centre_clock
from config.roles import ROLES  # noqa: F401  (named once there; the settings check it too)
from models.timestamps import UTCDateTime


class StaffUserBase(SQLModel):
    """What describes a staff user, without the password."""

    username: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    role: str = Field(max_length=32)
    contractor_id: str | None = Field(default=None, max_length=32)
    queues: list[str] = Field(default_factory=list, sa_column=Column(sa.JSON, nullable=False))
    endpoint: str | None = Field(default=None, max_length=130)
    # The name a customer sees for an adviser (a first name the account holds), never the login;
    # None shows the neutral "An adviser" (migration 0016).
    display_name: str | None = Field(default=None, max_length=40)


class StaffUser(StaffUserBase, table=True):
    """One member of staff who signs in to the console."""

    __tablename__ = "staff_user"
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=256)
    active: bool = Field(default=True)
    # Set when an administrator sets the password: the console lets the user do nothing else
    # until they choose their own (migration 0011).
    must_change_password: bool = Field(default=False, sa_column_kwargs={
        "server_default": sa.false()})
    # The TOTP secret of the user's second factor, sealed (models.sealed, context "totp:ID"), and
    # the last time-step a code was accepted at, so no code is accepted twice (migration 0012).
    totp_secret: str | None = Field(default=None, max_length=256)
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    password_changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class StaffUserCreate(StaffUserBase):
    """A new user as the CLI or an admin gives it (the password is hashed before storing)."""

    password_hash: str


class StaffUserPublic(StaffUserBase):
    """A user as pages and APIs show it."""

    id: int


class AuditEntry(SQLModel, table=True):
    """One thing a member of staff did or tried: sign-ins, views of records, actions."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    # The username as typed for a failed sign-in, else the signed-in user's (never a customer's).
    actor: str | None = Field(default=None, max_length=64, index=True)
    action: str = Field(max_length=48, index=True)
    # A contact key, callback id, user id ... whatever the action was about (no personal data).
    target: str | None = Field(default=None, max_length=128, index=True)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(sa.JSON))


def create_user(*, session: Session, user: StaffUserCreate) -> StaffUser:
    """Insert a user; the caller has checked role, contractor, queues and password policy."""
    now = centre_clock.now()
    row = StaffUser(**user.model_dump(), created_at=now, password_changed_at=now)
    session.add(row)
    session.flush()
    return row


def get_user(*, session: Session, user_id: int) -> StaffUser | None:
    """The user with `user_id`, if any."""
    return session.get(StaffUser, user_id)


def find_user(*, session: Session, username: str) -> StaffUser | None:
    """The user called `username` (case-insensitive), if any."""
    query = select(StaffUser).where(sa.func.lower(StaffUser.username) == username.lower())
    return session.exec(query).first()


def list_users(*, session: Session, role: str | None = None) -> list[StaffUser]:
    """Every user, or every user with `role`, by username."""
    query = select(StaffUser)
    if role:
        query = query.where(StaffUser.role == role)
    return list(session.exec(query.order_by(StaffUser.username)).all())


def set_display_name(*, session: Session, user: StaffUser, display_name: str | None) -> None:
    """Set (or with None clear) the name customers see for the user; the caller has checked it."""
    user.display_name = display_name
    session.add(user)


def set_password_hash(*, session: Session, user: StaffUser, password_hash: str,
                      must_change: bool = False) -> None:
    """Replace the user's password hash (the caller has checked the policy); `must_change` when
    an administrator set it, so the user must choose their own at the next sign-in."""
    user.password_hash, user.password_changed_at = password_hash, centre_clock.now()
    user.must_change_password = must_change
    session.add(user)


def record_audit(*, session: Session, action: str, actor: str | None = None,
                 target: str | None = None, detail: dict[str, Any] | None = None,
                 at: datetime | None = None) -> AuditEntry:
    """Append one entry to the audit log."""
    entry = AuditEntry(at=at or centre_clock.now(), actor=(actor or None) and actor[:64],
                       action=action[:48], target=target and str(target)[:128], detail=detail)
    session.add(entry)
    return entry


def search_audit(*, session: Session, actor: str | None = None, action: str | None = None,
                 target: str | None = None, since: datetime | None = None,
                 limit: int = 200) -> Sequence[AuditEntry]:
    """Entries matching every filter given, newest first."""
    query = select(AuditEntry)
    if actor:
        query = query.where(sa.func.lower(AuditEntry.actor) == actor.lower())
    if action:
        query = query.where(AuditEntry.action == action)
    if target:
        query = query.where(AuditEntry.target == target)
    if since:
        query = query.where(AuditEntry.at >= since)
    return session.exec(query.order_by(AuditEntry.id.desc()).limit(limit)).all()


def enrol_totp(*, session: Session, user: StaffUser, sealed_secret: str, step: int) -> bool:
    """Store the user's first (sealed) TOTP secret and the step of the code that confirmed it;
    False when the user has one already (another enrolment was first)."""
    done = session.execute(sa.update(StaffUser).where(
        StaffUser.id == user.id, StaffUser.totp_secret.is_(None)).values(
        totp_secret=sealed_secret, totp_last_step=step))
    return done.rowcount == 1


def accept_totp_step(*, session: Session, user_id: int, step: int) -> bool:
    """Take `step` as the user's latest used code, in one UPDATE; False when a code of this step or
    a later one was accepted already (a replay, or a race with another request)."""
    done = session.execute(sa.update(StaffUser).where(
        StaffUser.id == user_id, StaffUser.totp_secret.is_not(None),
        sa.or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step)).values(
        totp_last_step=step))
    return done.rowcount == 1


def clear_totp(*, session: Session, user: StaffUser) -> None:
    """Forget the user's second factor: they enrol a new one at their next sign-in."""
    user.totp_secret, user.totp_last_step = None, None
    session.add(user)
