"""The worker process: routing's rounds (callbacks, retention, figures), the dispatcher's, the
reconciler's and the callback reminders', carried out by the app's channels.
`python -m app.worker [--once] [--heartbeat-file PATH]`."""

from __future__ import annotations

import sys
from collections.abc import Callable

from flask import Flask

from app.factory import create_app
from config import clock
from config.settings import Settings
from engine.dispatch import dispatch, observe_presence
from engine.reconcile import reconcile
from ivr.messaging.confirmations import send_due
from ivr.messaging.sender import remind_due
from ivr.messaging.survey_31_day import send_due as send_surveys
from routing import worker

_APPS: dict[int, Flask] = {}


def _app(settings: Settings) -> Flask:
    """One app (one set of connections) for every round built from the same settings."""
    if id(settings) not in _APPS:
        _APPS[id(settings)] = create_app(settings)
    return _APPS[id(settings)]


def dispatch_round(settings: Settings) -> Callable[[], int]:
    """One dispatch round on an app built from `settings`: the periodic trigger, so a contact is
    placed even when no page or webhook happens to ask."""
    app = _app(settings)

    def round_() -> int:
        with app.app_context():
            made = len(dispatch())
            observe_presence()  # a closed console's Away is stored even if it never returns
            return made

    return round_


def reconcile_round(settings: Settings) -> Callable[[], int]:
    """One reconcile round on an app built from `settings`: queued calls and chats, and calls
    advisers hold, whose customer has gone unseen are ended (every RECONCILE_INTERVAL_SECONDS)."""
    app = _app(settings)

    def round_() -> int:
        with app.app_context():
            return reconcile().total

    return round_


def reminder_round(settings: Settings) -> Callable[[], int]:
    """One round of written messages on an app built from `settings`: each callback due within
    the hour whose customer asked for texts or e-mails is reminded once, and the information
    confirmations whose attempt is due are sent (config/messages.yaml), and the 31-day survey
    (config/satisfaction.yaml); how many went."""
    app = _app(settings)

    def round_() -> int:
        with app.app_context():
            now = clock.now()
            return remind_due(now) + send_due(now) + send_surveys(now)

    return round_


def main(argv: list[str] | None = None) -> int:
    """Run the worker with the dispatcher's, the reconciler's and the reminders' rounds."""
    return worker.main(argv, dispatch_round=dispatch_round, reconcile_round=reconcile_round,
                       reminder_round=reminder_round, prog="python -m app.worker")


if __name__ == "__main__":
    sys.exit(main())
