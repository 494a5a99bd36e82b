"""Management-information pages: daily and monthly reports, their CSV and charts, definitions.

The period comes from the query string: `?period=day&date=YYYY-MM-DD` (default today) or
`?period=month&month=YYYY-MM`. Every figure carries its definition (threshold, formula).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response, abort, current_app, render_template, request

from console import charts
from console.audit import audit
from console.auth import role_required
from console.floor import now
from console.supervisor_bp import SUPERVISORS, bp
from engine import satisfaction
from routing import follow_up_report, reports
from routing.figure_definitions import describe, load_definitions
from routing.follow_up_rules import load_rules as load_follow_up_rules
from routing.reports import Period

CSV_COLUMNS = ("section", "period", "dimension_1", "dimension_2", "figure", "value",
               "definition")
CHARTS = ("service-level-by-hour", "volumes-by-day", "destinations", "callback-outcomes")


def period_from_args() -> Period:
    """The report's period from the query string; 400 with a reason when it is not a date."""
    definitions = load_definitions()
    kind = request.args.get("period", "day")
    try:
        if kind == "month":
            year, month = request.args.get("month", "").split("-")
            return Period.month(int(year), int(month))
        if kind == "day":
            text = request.args.get("date", "")
            return Period.day(date.fromisoformat(text) if text else
                              reports.local_today(definitions, now()))
    except ValueError:
        abort(400, "give date=YYYY-MM-DD or period=month&month=YYYY-MM")
    abort(400, "period is day or month")


def _sections(period: Period) -> dict:
    definitions, engine = load_definitions(), current_app.extensions["engine"]
    found = reports.report(engine=engine, redis_client=current_app.extensions["redis"],
                           period=period, definitions=definitions, now=now())
    # The satisfaction survey's answers and the follow-up outcomes, from their own tables.
    span = {"first": period.start, "last": period.end, "label": period.label(period.start),
            "timezone": definitions.timezone}
    return {**found, **satisfaction.report_sections(engine, satisfaction.get_config(), **span),
            **follow_up_report.report_sections(engine, load_follow_up_rules(), **span)}


@bp.get("/reports")
@role_required(*SUPERVISORS)
def reports_page():
    """The report for a day or a month, with its charts and a CSV link."""
    period = period_from_args()
    query = request.query_string.decode()
    return render_template("console/reports.html", period=period, sections=_sections(period),
                           query=query, charts=CHARTS,
                           definitions=load_definitions(), survey=satisfaction.get_config())


@bp.get("/reports.csv")
@role_required(*SUPERVISORS)
def reports_csv():
    """Every figure of the report, one per row (no personal data; 001:20.3 holds)."""
    period = period_from_args()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in reports.long_rows(_sections(period)):
        writer.writerow({**row, "value": "" if row["value"] is None else row["value"]})
    name = period.start.isoformat() if period.by == "day" else period.start.strftime("%Y-%m")
    audit("report_downloaded", target=name)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="contact-centre-figures-{name}.csv"'})


@bp.get("/reports/charts/<name>.svg")
@role_required(*SUPERVISORS)
def report_chart(name: str):
    """One chart of the report as SVG."""
    if name not in CHARTS:
        abort(404)
    period = period_from_args()
    definitions = load_definitions()
    engine, redis_client = current_app.extensions["engine"], current_app.extensions["redis"]
    if name == "volumes-by-day":
        span = period if period.by == "month" else \
            Period(period.start - timedelta(days=6), period.end, "day")
        daily = Period(span.start, span.end, "day")
        found = reports.totals(engine=engine, redis_client=redis_client, period=daily,
                               definitions=definitions, now=now())
        svg = charts.volumes_by_day(reports.volumes_by_day(found))
    elif name == "service-level-by-hour":
        found = reports.totals(engine=engine, redis_client=redis_client, period=period,
                               definitions=definitions, now=now())
        svg = charts.service_level_by_hour(reports.service_level_by_hour(found, definitions),
                                           definitions.default.service_level_target)
    elif name == "destinations":
        svg = charts.destinations(_sections(period)["destinations"])
    else:
        svg = charts.callback_outcomes(_sections(period)["callbacks"])
    return Response(svg, content_type="image/svg+xml")


@bp.get("/definitions")
@role_required(*SUPERVISORS)
def definitions_page():
    """Every formula, threshold and window in words."""
    return render_template("console/definitions.html", rows=describe(load_definitions()))
