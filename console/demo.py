"""Demo staff accounts for `make run` (development only): one per role, two contractor advisers.

Each gets its own password, printed by `make run`; outside development nothing creates accounts
but `python -m console users add`.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from console.accounts import AccountError, add_user
from routing.directory import QUEUE_IDS

DEMO_ACCOUNTS = (
    {"username": "adviser", "role": "adviser", "password": "Adviser-demo-1",
     "queues": list(QUEUE_IDS), "endpoint": "client:adviser"},
    {"username": "supervisor", "role": "supervisor", "password": "Supervisor-demo-1"},
    {"username": "admin", "role": "admin", "password": "Admin-demo-1"},
    {"username": "northwest", "role": "contractor_adviser", "password": "Northwest-demo-1",
     "contractor": "north-west", "endpoint": "+441614960101"},
    {"username": "london", "role": "contractor_adviser", "password": "London-demo-1",
     "contractor": "london", "endpoint": "+442079460101"},
)


def create_demo_accounts(engine: Engine, *, app_env: str) -> list[dict]:
    """Create the demo accounts that do not exist yet; return every demo account's details."""
    if app_env == "production":
        raise RuntimeError("demo accounts are for development only")
    for account in DEMO_ACCOUNTS:
        try:
            add_user(engine, **account)
        except AccountError as error:
            if "already taken" not in str(error):
                raise
    return [dict(account) for account in DEMO_ACCOUNTS]
