"""The worker process: routing's rounds (callbacks, retention, figures) and the dispatcher's,
carried out by the app's channels. `python -m app.worker [--once] [--heartbeat-file PATH]`."""

from __future__ import annotations

import sys
from collections.abc import Callable

from app.factory import create_app
from config.settings import Settings
from engine.dispatch import dispatch
from routing import worker


def dispatch_round(settings: Settings) -> Callable[[], int]:
    """One dispatch round on an app built from `settings`: the periodic trigger, so a contact is
    placed even when no page or webhook happens to ask."""
    app = create_app(settings)

    def round_() -> int:
        with app.app_context():
            return len(dispatch())

    return round_


def main(argv: list[str] | None = None) -> int:
    """Run the worker with the dispatcher's round wired in."""
    return worker.main(argv, dispatch_round=dispatch_round, prog="python -m app.worker")


if __name__ == "__main__":
    sys.exit(main())
