"""Figures by number dialled and by route (000:L113): calls counted under their line's name."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from config import clock
from models import keys
from models.contacts import NewEvent
from routing.figure_definitions import load_definitions
from routing.figures import Figures
from routing.figures_live import snapshot
from routing.reports import Period, report, totals
from routing.rollup import rollup
from tests.support.console import signed_in
from tests.support.twilio import JOBCENTRE_PLUS_LINE, WEEKDAY_MORNING, events, new_call

DEFS = load_definitions()
CAMPAIGN_LINE = "+448081570100"
UNKNOWN = "+447700900123"
NUMBERS = {"+44800100900": "National line", JOBCENTRE_PLUS_LINE: "Jobcentre Plus line",
           CAMPAIGN_LINE: "Campaign: Skills Bootcamps", UNKNOWN: "other"}


@pytest.fixture
def app(settings, redis_client):
    # The timeline's clock (events' times) and the voice channel's (opening hours) on one morning.
    return create_app(settings.model_copy(update={"clock_start": WEEKDAY_MORNING}),
                      figures_clock=clock.now, voice_clock=lambda: WEEKDAY_MORNING)


def young_caller(app, dialled):
    """A 16-year-old is queued at once (001:5.2): one started and one triaged event."""
    call = new_call(app, dialled=dialled)
    call.start()
    call.press("16")
    return call


def test_calls_are_counted_by_line_name_and_route_and_reported(app, engine, redis_client):
    calls = [young_caller(app, number) for number in (*NUMBERS, "+44800100900")]
    triaged = dict(events(app, calls[0].call_sid))["triaged"]
    route = triaged.get("decision", triaged)["destination"]
    assert route
    web = "webchat-lines-1"
    app.extensions["figures"].observe("webchat", web, [
        NewEvent("started", WEEKDAY_MORNING, f"{web}:s"),
        NewEvent("triaged", WEEKDAY_MORNING, f"{web}:t", {"destination": "information"})])

    rollup(engine=engine, redis_client=redis_client, definitions=DEFS, now=WEEKDAY_MORNING)
    later = WEEKDAY_MORNING + timedelta(days=2)  # the database alone, after the roll-up
    day = WEEKDAY_MORNING.date()
    found = totals(engine=engine, redis_client=None, period=Period.day(day), definitions=DEFS,
                   now=later, by_hour=False)
    sections = report(engine=engine, redis_client=None, period=Period.day(day),
                      definitions=DEFS, now=later)
    lines = {(r["line"], r["channel"]): r["contacts"] for r in sections["lines"]}
    assert lines == {("National line", "phone"): 2, ("Jobcentre Plus line", "phone"): 1,
                     ("Campaign: Skills Bootcamps", "phone"): 1, ("other", "phone"): 1,
                     ("Webchat", "webchat"): 1}
    routes = {(r["line"], r["destination"]): r["contacts"] for r in sections["line_routes"]}
    assert routes == {("National line", route): 2, ("Jobcentre Plus line", route): 1,
                      ("Campaign: Skills Bootcamps", route): 1, ("other", route): 1,
                      ("Webchat", "information"): 1}
    assert found[(day.isoformat(), 0, "line_started", "National line", "phone")] == 2
    assert not any(UNKNOWN[1:] in "".join(map(str, key)) for key in found)


def test_the_reports_page_its_csv_and_metrics_show_lines(app):
    for number in NUMBERS:
        young_caller(app, number)
    supervisor = signed_in(app, "sue", "supervisor")[0]
    page = supervisor.get(f"/console/reports?date={WEEKDAY_MORNING.date()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "By line and route" in html and "Campaign: Skills Bootcamps" in html
    assert "Jobcentre Plus line" in html and UNKNOWN not in html

    text = supervisor.get(f"/console/reports.csv?date={WEEKDAY_MORNING.date()}")
    rows = list(csv.DictReader(io.StringIO(text.get_data(as_text=True))))
    by_line = {(r["dimension_1"], r["dimension_2"]): int(r["value"]) for r in rows
               if r["section"] == "lines"}
    assert by_line == {(name, "phone"): 1 for name in NUMBERS.values()}
    assert {r["dimension_1"] for r in rows if r["section"] == "line_routes"} == \
        set(NUMBERS.values())
    assert not any(UNKNOWN in value or UNKNOWN[3:] in value for r in rows
                   for value in r.values())

    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(metrics) for s in family.samples
               if s.name.startswith("contact_centre_") and "line" in s.labels}
    started = {labels: v for (name, labels), v in samples.items()
               if name == "contact_centre_contacts_by_line_total"}
    assert started == {(("channel", "phone"), ("line", name)): 1.0 for name in NUMBERS.values()}
    route_lines = {dict(labels)["line"] for (name, labels) in samples
                   if name == "contact_centre_routes_by_line_total"}
    assert route_lines == set(NUMBERS.values())
    assert UNKNOWN[3:] not in metrics


def test_a_language_line_and_the_other_jobcentre_plus_spelling_count_by_name(app):
    for number in ("+448081570006", "+44800924429"):  # the Polish line; 0800 924 429 (000:L131)
        new_call(app, dialled=number).start()
    snap = snapshot(redis_client=app.extensions["redis"], engine=app.extensions["engine"],
                    now=clock.now(), definitions=DEFS,
                    queue_ids=app.extensions["voice"].directory.queues)
    assert snap.values("line_started", 0) == {"Polish line": 1, "Jobcentre Plus line": 1}


def test_a_number_in_the_event_is_never_a_label_and_an_unknown_start_is_other(redis_client):
    figures = Figures(redis_client, DEFS)
    at = WEEKDAY_MORNING
    figures.observe("phone", "CA-num", [NewEvent("started", at, "s", {"line": UNKNOWN})])
    figures.observe("phone", "CA-num", [NewEvent("triaged", at, "t", {"destination": "advice"})])
    figures.observe("phone", "CA-none", [NewEvent("triaged", at, "t", {"destination": "advice"})])
    day = figures.buckets(at)[0]
    counters = redis_client.hgetall(keys.key(keys.FIGURES_DAY, date=day))
    assert counters["line_started|other|phone"] == "1"
    assert counters["line_route|other|advice"] == "2"
    assert not any(UNKNOWN[3:] in name for name in counters)
