"""The floor as supervisors and /metrics see it: the directory, the figures' clock, today's
live snapshot and emergency closures. Shared by the dashboard, the reports and the metrics."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from config import clock as centre_clock
from routing.closures import EmergencyClosures
from routing.directory import Directory
from routing.figure_definitions import load_definitions
from routing.figures_live import Snapshot, snapshot
from routing.plan import default_directory


def directory() -> Directory:
    """The contractor and queue directory the app routes with."""
    voice = current_app.extensions.get("voice")
    return current_app.extensions.get("directory") or (voice.directory if voice else
                                                       default_directory())


def now() -> datetime:
    """The figures' clock (tests pin it with the `figures_clock` extension)."""
    clock = current_app.extensions.get("figures_clock")
    return clock() if clock else centre_clock.now()


def live_snapshot() -> Snapshot:
    """Today's figures as of now, with every callback owner (zeros where nothing is open)."""
    snap = snapshot(redis_client=current_app.extensions["redis"],
                    engine=current_app.extensions["engine"], now=now(),
                    definitions=load_definitions(), queue_ids=directory().queues)
    zero = {"pending": 0, "due_within_hour": 0, "overdue": 0}
    snap.callbacks = {**{owner: dict(zero) for owner in callback_owners()}, **snap.callbacks}
    return snap


def local_midnight(snap: Snapshot) -> datetime:
    """The start of the snapshot's local day (when today's counters began)."""
    zone = snap.definitions.timezone
    day = datetime.fromisoformat(snap.day).replace(tzinfo=zone)
    return day.astimezone(UTC)


def closures() -> EmergencyClosures:
    """Emergency closures, refusing ids the directory does not know."""
    return EmergencyClosures(current_app.extensions["redis"], known_ids=directory().entity_ids())


def callback_owners() -> list[str]:
    """Every owner of callbacks: each prime contractor and each contact-centre queue."""
    places = directory()
    return [*places.contractors, *places.queues]
