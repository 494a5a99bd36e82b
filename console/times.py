"""Times on staff pages: in the centre's own time zone (config/figures.yaml), never raw UTC,
so an adviser reading "14:05" on a callback and the centre's clock on the wall agree."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from routing.figure_definitions import load_definitions


def centre_time(value: datetime | str | None, fmt: str = "%d %b %H:%M") -> str:
    """`value` (aware, naive UTC as the database returns it, or ISO text) in the centre's zone."""
    if value in (None, ""):
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return at.astimezone(load_definitions().timezone).strftime(fmt)


def init_app(app: Flask) -> None:
    """Make `centre_time` a template filter: {{ when | centre_time('%H:%M') }}."""
    app.add_template_filter(centre_time, "centre_time")
