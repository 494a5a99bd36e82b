"""The contact records' commands of `python -m models`: erase, export and purge."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

import redis as redis_lib
from sqlmodel import Session

from config import clock
from config.settings import Settings
from models import redis as redis_connection
from models.customers import Identity, find_customer
from models.db import make_engine, session_scope
from models.erasure import erase_contacts, erase_customer
from models.retention import purge_expired
from models.subject_access import export_customer


class UsageError(ValueError):
    """The command line cannot be carried out as given; the message says why."""


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register erase, export and purge on the `python -m models` parser."""
    erase = commands.add_parser("erase", help="termination of service: erase a customer everywhere")
    _customer_options(erase)
    erase.add_argument(
        "--contact",
        action="append",
        default=[],
        metavar="KEY",
        help="erase a contact with no customer record (CallSid or chat id); repeatable",
    )
    erase.add_argument("--yes", action="store_true", help="confirm: the erasure cannot be undone")
    export = commands.add_parser("export", help="subject access: a customer's data as JSON")
    _customer_options(export)
    export.add_argument(
        "--requested-on",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="date of the request (the answer is due 40 days later, 001:34.2)",
    )
    export.add_argument("--out", type=Path, help="write to this file (readable by owner only)")
    purge = commands.add_parser(
        "purge", help="purge transcripts and contact details past retention"
    )
    purge.add_argument("--retention-days", type=int, help="override RETENTION_DAYS")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one records command; UsageError for input that cannot be used."""
    engine = make_engine(settings.effective_database_url)
    now = clock.now()
    try:
        with session_scope(engine) as session:
            if args.command == "erase":
                return _erase(args, session, settings, now)
            if args.command == "export":
                return _export(args, session, now)
            days = (
                args.retention_days if args.retention_days is not None else settings.retention_days
            )
            counts = purge_expired(
                session=session, now=now, retention_days=days, tracker_redis=tracker_redis(settings)
            )
            print(json.dumps(counts, sort_keys=True))
            return 0
    except (LookupError, ValueError) as error:
        raise UsageError(str(error).strip("'\"")) from None
    finally:
        engine.dispose()


def tracker_redis(settings: Settings) -> redis_lib.Redis:
    """The assistant's Redis, where its conversation trackers and locks live."""
    return redis_connection.connect(settings.effective_rasa_tracker_redis_url)


def _erase(args: argparse.Namespace, session: Session, settings: Settings, now: datetime) -> int:
    if not args.yes:
        raise UsageError("erasure cannot be undone: add --yes to confirm")
    live, trackers = redis_connection.connect(settings.redis_url), tracker_redis(settings)
    if args.contact and not _names_customer(args):
        receipt = erase_contacts(
            session=session, contact_keys=args.contact, redis=live, tracker_redis=trackers, at=now
        )
    else:
        if args.contact:
            raise UsageError("give a customer or contacts, not both")
        receipt = erase_customer(
            session=session,
            customer_id=_customer_id(args, session),
            redis=live,
            tracker_redis=trackers,
            at=now,
        )
    print(json.dumps({"reference": receipt.reference, "counts": receipt.counts}, sort_keys=True))
    return 0


def _export(args: argparse.Namespace, session: Session, now: datetime) -> int:
    export = export_customer(
        session=session,
        customer_id=_customer_id(args, session),
        at=now,
        requested_on=args.requested_on,
    )
    text = json.dumps(export, indent=2, sort_keys=True)
    if args.out is None:
        print(text)
    else:
        descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        print(f"written to {args.out}", file=sys.stderr)
    return 0


def _customer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customer", type=int, metavar="ID", help="the customer record's id")
    parser.add_argument("--surname")
    parser.add_argument("--first-name")
    parser.add_argument("--date-of-birth", metavar="YYYY-MM-DD")
    parser.add_argument("--postcode")


def _names_customer(args: argparse.Namespace) -> bool:
    identity = (args.surname, args.first_name, args.date_of_birth, args.postcode)
    return args.customer is not None or any(identity)


def _customer_id(args: argparse.Namespace, session: Session) -> int:
    """The customer named by --customer, or by all four identity facts together (000:L61)."""
    identity = (args.surname, args.first_name, args.date_of_birth, args.postcode)
    if args.customer is not None:
        if any(identity):
            raise UsageError("give --customer or the four identity facts, not both")
        return args.customer
    if not all(identity):
        raise UsageError(
            "give --customer ID, or --surname, --first-name, --date-of-birth and "
            "--postcode together"
        )
    customer = find_customer(
        session=session,
        identity=Identity.of(
            surname=args.surname,
            first_name=args.first_name,
            date_of_birth=args.date_of_birth,
            postcode=args.postcode,
        ),
    )
    if customer is None:
        raise UsageError("no customer record matches all four facts")
    return customer.id
