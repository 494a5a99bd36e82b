"""The adviser figures page: per adviser and for the team, a day's handling time, wrap time,
occupancy, contacts per hour and wrap-up outcome codes, with CSV (routing.adviser_figures).

Read from the presence history and the contact timeline, on the centre's clock and day; the
figures name advisers for supervisors only, and the CSV carries no customer data.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

from flask import Response, abort, current_app, render_template, request
from sqlmodel import select

from console.audit import audit
from console.auth import role_required
from console.config import get_console_config
from console.floor import now
from console.supervisor_bp import SUPERVISORS, bp
from models.contacts import EventKind
from models.db import session_scope
from models.presence_history import intervals
from models.records import ContactEvent
from models.staff import StaffUser
from routing.adviser_figures import day_figures
from routing.figure_definitions import load_definitions

CSV_COLUMNS = ("date", "adviser", "answered", "average_handling_seconds",
               "average_wrap_seconds", "occupancy", "contacts_per_hour", "on_duty_seconds",
               "outcomes")


def _day() -> tuple[date, datetime, datetime]:
    zone = load_definitions().timezone
    today = now().astimezone(zone).date()
    text = request.args.get("date", "")
    try:
        day = date.fromisoformat(text) if text else today
    except ValueError:
        abort(400, description="give date=YYYY-MM-DD")
    if day > today:
        abort(400, description="choose today or a day before it")
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return day, start, min(end, now().astimezone(UTC))


def figures_for(day_start: datetime, day_end: datetime) -> list[dict]:
    """Rows per adviser (by name), then the team's row."""
    with session_scope(current_app.extensions["engine"]) as session:
        rows = intervals(session=session, start=day_start, end=day_end)
        events = session.exec(select(ContactEvent.kind, ContactEvent.detail).where(
            ContactEvent.kind.in_((EventKind.ANSWERED.value, EventKind.WRAPPED_UP.value)),
            ContactEvent.at >= day_start, ContactEvent.at < day_end)).all()
        found = day_figures(intervals=rows, events=events, start=day_start, end=day_end)
        ids = [k for k in found if k != "team"]
        names = {u.id: u.username for u in session.exec(
            select(StaffUser).where(StaffUser.id.in_(ids)))} if ids else {}
    advisers = sorted(({"name": names.get(k, f"#{k}"), **v} for k, v in found.items()
                       if k != "team"), key=lambda r: r["name"])
    return [*advisers, {"name": "Team", "team": True, **found["team"]}]


@bp.get("/advisers/figures")
@role_required(*SUPERVISORS)
def adviser_figures_page():
    """The day's adviser figures."""
    day, start, end = _day()
    return render_template("console/adviser_figures.html", day=day, rows=figures_for(start, end),
                           outcomes=get_console_config().outcomes)


@bp.get("/advisers/figures.csv")
@role_required(*SUPERVISORS)
def adviser_figures_csv():
    """The day's adviser figures as CSV."""
    day, start, end = _day()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in figures_for(start, end):
        writer.writerow([day.isoformat(), row["name"], row["answered"],
                         *(_number(row[c]) for c in CSV_COLUMNS[3:8]),
                         ";".join(f"{k}={v}" for k, v in sorted(row["outcomes"].items()))])
    audit("adviser_figures_exported", detail={"date": day.isoformat()})
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="adviser-figures-{day}.csv"',
        "Cache-Control": "no-store"})


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")
