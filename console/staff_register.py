"""What an administrator sees of staff accounts, and the starters-and-leavers register (001:29.4).

The register is read from the audit log, not kept in a table of its own: console.accounts audits
each account's creation (a starter), disabling (a leaver) and enabling again in the same
transaction as the change, with who made it, and the audit log is only ever inserted into, so the
register cannot be edited after the fact and has no second copy to drift from. Accounts made
before creation was audited appear as starters on their own creation date, by "not recorded".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from console.accounts import CREATED, DISABLED, ENABLED
from console.lockout import locked_seconds
from models.db import session_scope
from models.staff import AuditEntry, list_users

EVENTS = {CREATED: "starter", DISABLED: "leaver", ENABLED: "enabled again"}
CSV_COLUMNS = ("when_utc", "event", "username", "role", "by")
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Account:
    """One staff account as the admin page lists it."""

    id: int
    username: str
    role: str
    contractor: str | None
    active: bool
    locked_seconds: int
    last_sign_in: datetime | None
    must_change_password: bool
    display_name: str | None = None


@dataclass(frozen=True)
class RegisterEntry:
    """One starter or leaver: when (None if not recorded), what, which account, who did it."""

    at: datetime | None
    event: str
    username: str
    role: str
    by: str


def accounts(engine: Engine, redis_client: redis.Redis) -> list[Account]:
    """Every account by username, with whether it is locked out now and its last sign-in."""
    with session_scope(engine) as db:
        users = list_users(session=db)
        latest = db.exec(select(AuditEntry.actor, sa.func.max(AuditEntry.at))
                         .where(AuditEntry.action == "sign_in").group_by(AuditEntry.actor)).all()
    last = {(actor or "").lower(): at for actor, at in latest}
    return [Account(id=u.id, username=u.username, role=u.role, contractor=u.contractor_id,
                    active=u.active, locked_seconds=locked_seconds(redis_client, u.username),
                    last_sign_in=last.get(u.username.lower()),
                    must_change_password=u.must_change_password,
                    display_name=u.display_name) for u in users]


def register(engine: Engine) -> list[RegisterEntry]:
    """Every starter, leaver and account enabled again, newest first."""
    with session_scope(engine) as db:
        found = db.exec(select(AuditEntry).where(AuditEntry.action.in_(tuple(EVENTS)))
                        .order_by(AuditEntry.id)).all()
        entries = [RegisterEntry(at=e.at, event=EVENTS[e.action], username=e.target or "",
                                 role=str((e.detail or {}).get("role", "")),
                                 by=e.actor or NOT_RECORDED) for e in found]
        users = list_users(session=db)
        seen = {(e.event, e.username.lower()) for e in entries}
        # Accounts older than the audit of their creation or disabling: what the account says.
        entries += [RegisterEntry(at=u.created_at, event="starter", username=u.username,
                                  role=u.role, by=NOT_RECORDED)
                    for u in users if ("starter", u.username.lower()) not in seen]
        entries += [RegisterEntry(at=None, event="leaver", username=u.username, role=u.role,
                                  by=NOT_RECORDED)
                    for u in users if not u.active and ("leaver", u.username.lower()) not in seen]
    dated = sorted((e for e in entries if e.at is not None), key=lambda e: e.at, reverse=True)
    return dated + [e for e in entries if e.at is None]


def register_csv(entries: list[RegisterEntry]) -> str:
    """The register as CSV; a cell that starts like a formula gets an apostrophe so a
    spreadsheet does not run it (a username or actor is never trusted to be plain)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        cells = [e.at.strftime("%Y-%m-%dT%H:%M:%SZ") if e.at else NOT_RECORDED, e.event,
                 e.username, e.role, e.by]
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return out.getvalue()
