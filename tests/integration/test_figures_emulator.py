"""The supervisor watches the figures move while calls are answered and abandoned for real:
customers phone the Twilio emulator, an adviser answers one from the console, one hangs up."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.console import api_headers, signed_in
from tests.support.emulator import eventually, live_voice_app, queued_young_person


@pytest.fixture
def live(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock) as live:
        yield live


def test_one_call_answered_by_an_adviser_and_one_abandoned(live):
    supervisor, _ = signed_in(live.app, "sue", "supervisor")

    def young_people():
        return supervisor.get("/console/api/dashboard").get_json()["queues"]["young_people"]

    abandoning = queued_young_person(live)
    assert eventually(lambda: young_people()["waiting"] == 1)
    abandoning.hang_up()
    eventually(lambda: young_people()["abandoned"] == 1)

    sam, _ = signed_in(live.app, "sam", "adviser", queues=["young_people"],
                       endpoint="client:sam")
    sam.get("/console/desk")
    sam.post("/console/api/presence", json={"mode": "available"}, headers=api_headers(sam))
    advisers = supervisor.get("/console/api/dashboard").get_json()["advisers"]
    assert advisers["queues"]["young_people"]["Available"] == 1
    customer = queued_young_person(live)
    ringing = live.emulator.ringing("client:sam")
    ringing.answer()
    ringing.press("1")
    customer.wait_for("conference")
    figures = eventually(lambda: (q := young_people())["answered"] == 1 and q)
    assert (figures["offered"], figures["abandoned"], figures["waiting"]) == (2, 1, 0)
    assert figures["abandonment_rate"] == 0.5
    customer.hang_up()
    rows = csv.DictReader(io.StringIO(supervisor.get("/console/reports.csv").get_data(
        as_text=True)))
    mine = {r["figure"]: r["value"] for r in rows
            if r["section"] == "queues" and r["dimension_2"] == "young_people"}
    assert (mine["offered"], mine["answered"], mine["abandoned"]) == ("2", "1", "1")
