"""Demo staff accounts for `make run` (development only): one per role, two contractor advisers.

Each gets its own password, printed by `make run`; outside development nothing creates accounts
but `python -m console users add`. The passwords are published, so they are usable only while
every listener is on loopback: off loopback `make run` creates none and retires any left behind.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from console.accounts import DISABLED, AccountError, add_user
from console.passwords import verify_password
from models.db import session_scope
from models.staff import find_user, record_audit
from routing.directory import QUEUE_IDS

DEMO_ACTOR = "demo set-up"  # who the audit log says created or retired a demo account
# The passwords are published (printed by make run) on purpose; they are refused off loopback.
DEMO_ACCOUNTS = (
    {"username": "adviser", "role": "adviser",
     "password": "Adviser-demo-1",  # nosec B105 - published demo password, loopback only
     "queues": list(QUEUE_IDS), "endpoint": "client:adviser"},
    {"username": "supervisor", "role": "supervisor",
     "password": "Supervisor-demo-1",  # nosec B105 - published demo password, loopback only
     "endpoint": "client:supervisor"},  # joins advisers' calls from the adviser board
    {"username": "admin", "role": "admin",
     "password": "Admin-demo-1"},  # nosec B105 - published demo password, loopback only
    {"username": "northwest", "role": "contractor_adviser",
     "password": "Northwest-demo-1",  # nosec B105 - published demo password, loopback only
     "contractor": "north-west", "endpoint": "+441614960101"},
    {"username": "london", "role": "contractor_adviser",
     "password": "London-demo-1",  # nosec B105 - published demo password, loopback only
     "contractor": "london", "endpoint": "+442079460101"},
)


def create_demo_accounts(engine: Engine, *, app_env: str) -> list[dict]:
    """Create the demo accounts that do not exist yet; return every demo account's details."""
    if app_env == "production":
        raise RuntimeError("demo accounts are for development only")
    for account in DEMO_ACCOUNTS:
        try:
            add_user(engine, **account, actor=DEMO_ACTOR)
        except AccountError as error:
            if "already taken" not in str(error):
                raise
    return [dict(account) for account in DEMO_ACCOUNTS]


def retire_demo_accounts(engine: Engine) -> list[str]:
    """Disable every demo account still holding its published password; return their names.

    A demo account whose password was changed is somebody's real account now and is left be.
    """
    retired = []
    with session_scope(engine) as session:
        for account in DEMO_ACCOUNTS:
            row = find_user(session=session, username=account["username"])
            if row is not None and row.active and verify_password(row.password_hash,
                                                                  account["password"]):
                row.active = False
                session.add(row)
                record_audit(session=session, action=DISABLED, actor=DEMO_ACTOR,
                             target=row.username, detail={"user_id": row.id, "role": row.role})
                retired.append(account["username"])
    return retired
