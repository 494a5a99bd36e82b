"""`python -m console users add --username NAME --role ROLE [...]`, the password on standard input.

Prints the new user's id and exits 0; exits 2 with a one-line reason for a password that breaks
001:29.3, an unknown role, contractor or queue, or a username already taken.
`python -m console users disable --username NAME` disables the account and ends every session of
it at once; `python -m console users set-password --username NAME` (the password on standard
input) sets a password the user must change at their next sign-in and ends their sessions. Both
print the user's id; exit 2 for an unknown username (or a password that breaks 001:29.3).
`python -m console users enable --username NAME` lets a disabled account sign in again;
`python -m console users unlock --username NAME` clears its sign-in lock-out; both print the id.
`python -m console users list` prints one tab-separated line per account (username, role,
contractor, active, locked, last sign-in, must change password). Each change is audited with
`cli:` and the operating-system user as who made it (the starters-and-leavers register, 001:29.4).
`python -m console users reset-mfa --username NAME` forgets the user's TOTP second factor (a lost
phone), ends their sessions and makes them enrol again at their next sign-in (audited); it prints
the user's id and exits 2 for an unknown username.
`python -m console users set-display-name --username NAME --display-name "Sam"` sets the name
customers are told for the user (a first name; `--display-name ""` clears it, and customers are
told of "an adviser"); `users add` takes `--display-name` too. The login name never reaches a
customer. It prints the id; exit 2 for an unknown username or a display name that is no name.
"""

from __future__ import annotations

import argparse
import sys

from config.settings import SettingsError, load_settings
from console.accounts import (
    AccountError,
    add_user,
    cli_actor,
    disable_user,
    enable_user,
    rename_user,
    reset_mfa,
    reset_password,
    unlock_user,
)
from console.staff_register import accounts
from models.db import make_engine, session_scope
from models.redis import connect
from models.staff import find_user


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as every CLI of the project
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv: list[str] | None = None) -> int:
    """Parse and run one command."""
    parser = _Parser(prog="python -m console")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    users = commands.add_parser("users", help="staff accounts")
    actions = users.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = actions.add_parser("add", help="create a user; the password is read from stdin")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True)
    add.add_argument("--contractor")
    add.add_argument("--queues", help="comma-separated queue ids the adviser may take")
    add.add_argument("--endpoint", help="a UK number or client:NAME where their phone rings")
    add.add_argument("--display-name", help="the name customers are told (a first name)")
    disable = actions.add_parser("disable", help="disable a user and end their sessions")
    disable.add_argument("--username", required=True)
    reset = actions.add_parser("set-password", help="set a password the user must change at "
                               "their next sign-in; the password is read from stdin")
    reset.add_argument("--username", required=True)
    for name, words in (("enable", "let a disabled user sign in again"),
                        ("unlock", "clear a user's sign-in lock-out")):
        actions.add_parser(name, help=words).add_argument("--username", required=True)
    actions.add_parser("list", help="every user, tab-separated, with their state")
    second = actions.add_parser("reset-mfa", help="forget a user's second factor: they enrol "
                                "again at their next sign-in; their sessions end")
    second.add_argument("--username", required=True)
    shown = actions.add_parser("set-display-name", help="set the name customers are told for "
                               "a user (empty clears it: they are told of an adviser)")
    shown.add_argument("--username", required=True)
    shown.add_argument("--display-name", required=True)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if args.action == "list":
        return _list(settings)
    if args.action in ("disable", "set-password", "enable", "unlock", "reset-mfa"):
        return _on_user(settings, args.action, args.username)
    if args.action == "set-display-name":
        return _rename(settings, args.username, args.display_name)
    password = sys.stdin.readline().rstrip("\r\n")
    queues = [q.strip() for q in args.queues.split(",") if q.strip()] if args.queues else None
    engine = make_engine(settings.effective_database_url)
    try:
        user = add_user(engine, username=args.username, password=password, role=args.role,
                        contractor=args.contractor, queues=queues, endpoint=args.endpoint,
                        actor=cli_actor(), display_name=args.display_name)
    except AccountError as error:
        print(f"python -m console users add: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(user.id)
    return 0


def _on_user(settings, action: str, username: str) -> int:
    """Disable, enable or unlock a user, set their password (read from stdin) or reset their
    second factor."""
    password = sys.stdin.readline().rstrip("\r\n") if action == "set-password" else ""
    engine = make_engine(settings.effective_database_url)
    redis_client = connect(settings.redis_url)
    try:
        actor = cli_actor()
        if action == "disable":
            user = disable_user(engine, redis_client, username=username, actor=actor)
        elif action == "enable":
            user = enable_user(engine, username=username, actor=actor)
        elif action == "unlock":
            unlock_user(engine, redis_client, username=username, actor=actor)
            user = _find(engine, username)
        elif action == "reset-mfa":
            user = reset_mfa(engine, redis_client, username=username, actor=actor)
        else:
            user = reset_password(engine, redis_client, username=username, password=password,
                                  actor=actor)
    except AccountError as error:
        print(f"python -m console users {action}: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
        redis_client.close()
    print(user.id)
    return 0


def _rename(settings, username: str, display_name: str) -> int:
    """Set or clear the name customers are told for the user."""
    engine = make_engine(settings.effective_database_url)
    try:
        user = rename_user(engine, username=username, display_name=display_name,
                           actor=cli_actor())
    except AccountError as error:
        print(f"python -m console users set-display-name: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(user.id)
    return 0


def _find(engine, username: str):
    with session_scope(engine) as session:
        return find_user(session=session, username=username.strip())


def _list(settings) -> int:
    """One tab-separated line per account, with a header line."""
    engine = make_engine(settings.effective_database_url)
    redis_client = connect(settings.redis_url)
    try:
        rows = accounts(engine, redis_client)
    finally:
        engine.dispose()
        redis_client.close()
    print("username\trole\tcontractor\tactive\tlocked\tlast_sign_in\tmust_change_password")
    for a in rows:
        last = a.last_sign_in.strftime("%Y-%m-%dT%H:%M:%SZ") if a.last_sign_in else "-"
        print("\t".join((a.username, a.role, a.contractor or "-", _yes(a.active),
                         _yes(bool(a.locked_seconds)), last, _yes(a.must_change_password))))
    return 0


def _yes(value: bool) -> str:
    return "yes" if value else "no"
