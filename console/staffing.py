"""The staffing page: advisers needed per queue and half-hour for a past day, beside advisers
available, and a plan for the next week; the same table as CSV (routing.staffing).

`?date=YYYY-MM-DD` (a day before today, default yesterday) and `?queue=ID` (default every queue)
come from the query string; days and times are the centre's (figures.yaml's time zone, on
config.clock). Advisers available beside each need come from the presence history
(models.presence_history): the average advisers on duty who took the queue in the interval; a day
before the history began says "not recorded yet" rather than guess.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Response, abort, current_app, render_template, request

from console.audit import audit
from console.auth import role_required
from console.floor import directory, now
from console.supervisor_bp import SUPERVISORS, bp
from models.db import session_scope
from models.presence_history import available_by_half_hour, recorded_on
from routing import reports
from routing.figure_definitions import load_definitions
from routing.staffing import Need, Plan, day_needs, default_staffing_config, week_plan

NOT_RECORDED = "not recorded yet"
CSV_COLUMNS = ("section", "date", "queue", "interval_start", "contacts_offered",
               "handling_seconds", "workload_erlangs", "advisers_needed", "advisers_to_roster",
               "expected_service_level", "target_service_level", "answer_seconds",
               "advisers_available")


@dataclass(frozen=True)
class Choice:
    """What the supervisor asked for: a past day and one queue or all."""

    day: date
    today: date
    queue: str | None

    @property
    def latest(self) -> date:
        """The latest day that may be chosen (yesterday)."""
        return self.today - timedelta(days=1)


def choice_from_args() -> Choice:
    """The day and queue from the query string; 400 with a reason when they do not fit."""
    today = reports.local_today(load_definitions(), now())
    text = request.args.get("date", "")
    try:
        day = date.fromisoformat(text) if text else today - timedelta(days=1)
    except ValueError:
        abort(400, "give date=YYYY-MM-DD")
    if day >= today:
        abort(400, "choose a day before today: the plan below covers the days ahead")
    queue = request.args.get("queue") or None
    if queue is not None and queue not in directory().queues:
        abort(400, f"no queue {queue!r}")
    return Choice(day, today, queue)


def _tables(choice: Choice) -> tuple[list[Need], Plan]:
    engine, redis_client = current_app.extensions["engine"], current_app.extensions["redis"]
    config, definitions = default_staffing_config(), load_definitions()
    past = day_needs(engine=engine, redis_client=redis_client, day=choice.day, config=config,
                     definitions=definitions, now=now())
    plan = week_plan(engine=engine, redis_client=redis_client, today=choice.today,
                     config=config, definitions=definitions, now=now(),
                     schedules={q: e.schedule for q, e in directory().queues.items()})
    if choice.queue:
        past = [n for n in past if n.queue == choice.queue]
        plan = Plan(plan.days, plan.history, tuple(n for n in plan.needs
                                                   if n.queue == choice.queue))
    return past, plan


def available(choice: Choice, past: list[Need]) -> dict[tuple[str, str], float] | None:
    """{(queue, interval start): advisers on duty} for the day, or None when none was recorded."""
    zone, minutes = load_definitions().timezone, default_staffing_config().interval_minutes
    with session_scope(current_app.extensions["engine"]) as session:
        if not recorded_on(session=session, day=choice.day, timezone=zone, now=now()):
            return None
        per_queue = {q: available_by_half_hour(session=session, day=choice.day, timezone=zone,
                                               now=now(), queue=q, minutes=minutes)
                     for q in {n.queue for n in past}}
    return {(q, start): n for q, slots in per_queue.items() for start, n in slots.items()}


def _shown(found: dict[tuple[str, str], float] | None, need: Need) -> str:
    return NOT_RECORDED if found is None else f"{found.get((need.queue, need.start), 0.0):g}"


def plan_grid(plan: Plan) -> list[dict]:
    """The plan as rows of (queue, interval) with one cell per planned day (None: nobody)."""
    rows: dict[tuple[str, str], dict[date, Need]] = {}
    for need in plan.needs:
        rows.setdefault((need.queue, need.start), {})[need.day] = need
    return [{"queue": queue, "start": start, "cells": [cells.get(d) for d in plan.days]}
            for (queue, start), cells in sorted(rows.items())]


@bp.get("/staffing")
@role_required(*SUPERVISORS)
def staffing_page():
    """Advisers needed for a past day and the plan for the next week."""
    choice = choice_from_args()
    past, plan = _tables(choice)
    places = directory()
    found = available(choice, past)
    return render_template("console/staffing.html", choice=choice, past=past, plan=plan,
                           available={(n.queue, n.start): _shown(found, n) for n in past},
                           recorded=found is not None,
                           grid=plan_grid(plan), config=default_staffing_config(),
                           definitions=load_definitions(), query=request.query_string.decode(),
                           queues={q: e.name for q, e in places.queues.items()},
                           not_recorded=NOT_RECORDED)


@bp.get("/staffing.csv")
@role_required(*SUPERVISORS)
def staffing_csv():
    """The page's two tables, one interval per row (counts only, no personal data)."""
    choice = choice_from_args()
    past, plan = _tables(choice)
    found = available(choice, past)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for section, rows in (("day", past), ("plan", plan.needs)):
        for n in rows:
            writer.writerow({
                "section": section, "date": n.day.isoformat(), "queue": n.queue,
                "interval_start": n.start, "contacts_offered": round(n.offered, 3),
                "handling_seconds": f"{n.handling_seconds:g}",
                "workload_erlangs": round(n.intensity, 3), "advisers_needed": n.advisers,
                "advisers_to_roster": n.rostered,
                "expected_service_level": round(n.service_level, 4),
                "target_service_level": n.target, "answer_seconds": f"{n.answer_seconds:g}",
                # From the presence history; "not recorded yet" before it began.
                "advisers_available": _shown(found, n) if section == "day" else ""})
    audit("staffing_downloaded", target=choice.day.isoformat())
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition":
            f'attachment; filename="staffing-{choice.day.isoformat()}.csv"'})
