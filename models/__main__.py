"""`python -m models COMMAND`: database administration (migrate) and contact records' commands."""

from __future__ import annotations

import argparse
import sys

from config.settings import SettingsError, load_settings
from models import migrate, records_cli


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; exit 2 on bad usage or settings."""
    parser = argparse.ArgumentParser(prog="python -m models")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply every pending database migration")
    records_cli.add_commands(commands)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if args.command == "migrate":
        migrate.upgrade(settings.effective_database_url)
        print("database is up to date")
        return 0
    try:
        return records_cli.run(args, settings)
    except records_cli.UsageError as error:
        print(f"python -m models {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
