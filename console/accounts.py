"""Staff accounts' lifecycle: every rule the CLI, the admin page, the demo set-up and tests share.

Each change is audited in the same transaction as the change itself, with who made it (`actor`:
the administrator's username, or `cli:` and the operating-system user for a command), so the
audit log is the starters-and-leavers register of 001:29.4 (console.staff_register).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Sequence

import phonenumbers
import redis
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from console.lockout import unlock
from console.passwords import hash_password, password_problem
from console.sessions import end_sessions_of
from models.db import session_scope
from models.staff import (
    ROLES,
    StaffUser,
    StaffUserCreate,
    clear_totp,
    create_user,
    find_user,
    record_audit,
    set_display_name,
    set_password_hash,
)
from routing.directory import CONTRACTOR_IDS, QUEUE_IDS
from routing.dispatcher import all_queue_ids
from routing.plan import default_directory

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
# Twilio Client identities: letters, digits and underscore, at most 121 characters.
# A name a customer can be told (a first name): letters, then letters, spaces, dots, hyphens or
# apostrophes; never digits or symbols (no login names, numbers or markup reach a customer).
_DISPLAY_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .'\u2019-]){0,39}$")
_CLIENT = re.compile(r"^client:[A-Za-z0-9_]{1,121}$")
# Queues a role may take by default when none are given: contact-centre advisers take every
# contact-centre queue but safeguarding, which is given to trained advisers explicitly.
DEFAULT_QUEUES = tuple(q for q in QUEUE_IDS if q != "safeguarding")
# Audit actions of the lifecycle: created is a starter, disabled a leaver (001:29.4).
CREATED, DISABLED, ENABLED = "account_created", "account_disabled", "account_enabled"
UNLOCKED, PASSWORD_SET = "account_unlocked", "password_set_by_admin"
DISPLAY_NAME_SET = "display_name_set"


class AccountError(ValueError):
    """The account cannot be created; the message is one line saying why."""


def add_user(engine: Engine, *, username: str, password: str, role: str,
             contractor: str | None = None, queues: Sequence[str] | None = None,
             endpoint: str | None = None, actor: str | None = None,
             display_name: str | None = None) -> StaffUser:
    """Check everything, hash the password and store the user (audited as created by `actor`);
    AccountError says what is wrong."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise AccountError("the username must be 2-64 letters, digits, dots, dashes or underscores")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    if role == "contractor_adviser" and contractor is None:
        raise AccountError("a contractor_adviser needs --contractor")
    if contractor is not None and role != "contractor_adviser":
        raise AccountError("only a contractor_adviser belongs to a contractor")
    if contractor is not None and contractor not in CONTRACTOR_IDS:
        raise AccountError(f"unknown contractor {contractor!r}")
    # The contact-centre queues, and "language_lines:polish" and so on for each language line
    # (advisers are skilled per language, 000:L47).
    known = all_queue_ids(QUEUE_IDS, tuple(default_directory().language_lines))
    unknown = [q for q in queues or () if q not in known]
    if unknown:
        raise AccountError(f"unknown queue {unknown[0]!r} (expected one of {', '.join(known)})")
    if (problem := password_problem(password)) is not None:
        raise AccountError(problem)
    shown = display_name_problem(display_name)
    chosen = list(queues) if queues is not None else (
        list(DEFAULT_QUEUES) if role == "adviser" else [])
    record = StaffUserCreate(username=username, role=role, contractor_id=contractor,
                             queues=chosen, endpoint=_endpoint(endpoint), display_name=shown,
                             password_hash=hash_password(password))
    try:
        with session_scope(engine) as session:
            if find_user(session=session, username=username) is not None:
                raise AccountError(f"the username {username!r} is already taken")
            row = create_user(session=session, user=record)
            _audit(session, CREATED, actor, row)
            return row
    except IntegrityError:
        raise AccountError(f"the username {username!r} is already taken") from None


def display_name_problem(display_name: str | None) -> str | None:
    """The display name as stored (None for none given); AccountError when it is no name."""
    name = " ".join((display_name or "").split())
    if not name:
        return None
    if not _DISPLAY_NAME.match(name):
        raise AccountError("the display name must be 1-40 letters (spaces, dots, hyphens and "
                           "apostrophes between them), such as a first name")
    return name


def rename_user(engine: Engine, *, username: str, display_name: str | None,
                actor: str | None = None) -> StaffUser:
    """Set or clear (empty) the name customers see for the user, audited without the name;
    AccountError for an unknown user or a display name that is no name."""
    shown = display_name_problem(display_name)
    with session_scope(engine) as session:
        row = _existing(session, username)
        set_display_name(session=session, user=row, display_name=shown)
        _audit(session, DISPLAY_NAME_SET, actor, row, {"cleared": shown is None})
    return row


def reset_password(engine: Engine, redis_client: redis.Redis, *, username: str,
                   password: str, actor: str | None = None) -> StaffUser:
    """Set a password an administrator chose: every session of the user ends, and the user must
    choose their own at the next sign-in; AccountError for an unknown user or a weak password."""
    if (problem := password_problem(password)) is not None:
        raise AccountError(problem)
    with session_scope(engine) as session:
        row = find_user(session=session, username=username.strip())
        if row is None:
            raise AccountError(f"no user is called {username!r}")
        set_password_hash(session=session, user=row, password_hash=hash_password(password),
                          must_change=True)
        _audit(session, PASSWORD_SET, actor, row)
    end_sessions_of(redis_client, row.id)
    return row


def disable_user(engine: Engine, redis_client: redis.Redis, *, username: str,
                 actor: str | None = None) -> StaffUser:
    """Disable the account and end every session of it at once (a leaver); AccountError when
    unknown or when `actor` is the account itself (an administrator cannot lock themselves out,
    which also keeps at least one administrator able to sign in)."""
    with session_scope(engine) as session:
        row = _existing(session, username)
        if actor is not None and actor.lower() == row.username.lower():
            raise AccountError("you cannot disable your own account")
        if row.active:  # disabling twice is no second leaver
            row.active = False
            session.add(row)
            _audit(session, DISABLED, actor, row)
    end_sessions_of(redis_client, row.id)
    return row


def enable_user(engine: Engine, *, username: str, actor: str | None = None) -> StaffUser:
    """Enable a disabled account again (audited); AccountError when unknown."""
    with session_scope(engine) as session:
        row = _existing(session, username)
        if not row.active:
            row.active = True
            session.add(row)
            _audit(session, ENABLED, actor, row)
    return row


def unlock_user(engine: Engine, redis_client: redis.Redis, *, username: str,
                actor: str | None = None) -> bool:
    """Clear the sign-in lock-out of the account (audited); True if it was locked."""
    with session_scope(engine) as session:
        row = _existing(session, username)
        was_locked = unlock(redis_client, row.username)
        _audit(session, UNLOCKED, actor, row, {"was_locked": was_locked})
    return was_locked


def cli_actor() -> str:
    """Who runs a command, for the audit log: `cli:` and the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "cli"


def _existing(session, username: str) -> StaffUser:
    row = find_user(session=session, username=username.strip())
    if row is None:
        raise AccountError(f"no user is called {username!r}")
    return row


def _audit(session, action: str, actor: str | None, row: StaffUser,
           extra: dict | None = None) -> None:
    # The account's username is the record (as the actor of its own entries); no personal data.
    record_audit(session=session, action=action, actor=actor, target=row.username,
                 detail={"user_id": row.id, "role": row.role, **(extra or {})})


def reset_mfa(engine: Engine, redis_client: redis.Redis, *, username: str,
              actor: str | None = None) -> StaffUser:
    """Forget the user's second factor (a lost phone): every session of theirs ends, and they
    enrol a new one at their next sign-in; audited. AccountError for an unknown user."""
    with session_scope(engine) as session:
        row = _existing(session, username)
        had = row.totp_secret is not None
        clear_totp(session=session, user=row)
        record_audit(session=session, action="mfa_reset", actor=actor,
                     target=str(row.id), detail={"username": row.username, "had_one": had})
    end_sessions_of(redis_client, row.id)
    return row


def _endpoint(endpoint: str | None) -> str | None:
    """A UK number in E.164, or a Twilio Client identity; AccountError otherwise."""
    if endpoint is None or endpoint == "":
        return None
    if _CLIENT.match(endpoint):
        return endpoint
    try:
        number = phonenumbers.parse(endpoint, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or number.country_code != 44:
        raise AccountError("the endpoint must be a UK phone number or client:NAME")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
