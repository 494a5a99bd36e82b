"""Creating staff accounts: every rule the CLI, the demo set-up and the tests share."""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers
import redis
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

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
    set_password_hash,
)
from routing.directory import CONTRACTOR_IDS, QUEUE_IDS
from routing.dispatcher import all_queue_ids
from routing.plan import default_directory

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
# Twilio Client identities: letters, digits and underscore, at most 121 characters.
_CLIENT = re.compile(r"^client:[A-Za-z0-9_]{1,121}$")
# Queues a role may take by default when none are given: contact-centre advisers take every
# contact-centre queue but safeguarding, which is given to trained advisers explicitly.
DEFAULT_QUEUES = tuple(q for q in QUEUE_IDS if q != "safeguarding")


class AccountError(ValueError):
    """The account cannot be created; the message is one line saying why."""


def add_user(engine: Engine, *, username: str, password: str, role: str,
             contractor: str | None = None, queues: Sequence[str] | None = None,
             endpoint: str | None = None) -> StaffUser:
    """Check everything, hash the password and store the user; AccountError says what is wrong."""
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
    chosen = list(queues) if queues is not None else (
        list(DEFAULT_QUEUES) if role == "adviser" else [])
    record = StaffUserCreate(username=username, role=role, contractor_id=contractor,
                             queues=chosen, endpoint=_endpoint(endpoint),
                             password_hash=hash_password(password))
    try:
        with session_scope(engine) as session:
            if find_user(session=session, username=username) is not None:
                raise AccountError(f"the username {username!r} is already taken")
            return create_user(session=session, user=record)
    except IntegrityError:
        raise AccountError(f"the username {username!r} is already taken") from None


def reset_password(engine: Engine, redis_client: redis.Redis, *, username: str,
                   password: str) -> StaffUser:
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
    end_sessions_of(redis_client, row.id)
    return row


def disable_user(engine: Engine, redis_client: redis.Redis, *, username: str) -> StaffUser:
    """Disable the account and end every session of it at once; AccountError when unknown."""
    with session_scope(engine) as session:
        row = find_user(session=session, username=username.strip())
        if row is None:
            raise AccountError(f"no user is called {username!r}")
        row.active = False
        session.add(row)
    end_sessions_of(redis_client, row.id)
    return row


# Who the audit log names for what an administrator did with `python -m console users`.
COMMAND_ACTOR = "(command line)"


def reset_mfa(engine: Engine, redis_client: redis.Redis, *, username: str) -> StaffUser:
    """Forget the user's second factor (a lost phone): every session of theirs ends, and they
    enrol a new one at their next sign-in; audited. AccountError for an unknown user."""
    with session_scope(engine) as session:
        row = find_user(session=session, username=username.strip())
        if row is None:
            raise AccountError(f"no user is called {username!r}")
        had = row.totp_secret is not None
        clear_totp(session=session, user=row)
        record_audit(session=session, action="mfa_reset", actor=COMMAND_ACTOR,
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
