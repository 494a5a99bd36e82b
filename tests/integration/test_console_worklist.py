"""The worklist in the console: tenancy, due order, claim on open, click-to-call, outcomes, live."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models.contacts import open_contact, record_event
from routing import callbacks as cb
from tests.support.console import csrf_token, signed_in
from tests.support.recording_twilio import FakeTwilio
from tests.support.twilio import BASE_URL, sign, voice_app

NOW = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)  # a Monday morning
NW_PHONE, LONDON_PHONE = "+447700900111", "+447700900222"


@pytest.fixture
def twilio():
    return FakeTwilio()


@pytest.fixture
def app(settings, redis_client, twilio):
    app = voice_app(settings, NOW, twilio=twilio, callback_clock=lambda: NOW)
    app.config["CALLBACK_STREAM_SECONDS"] = 1.5
    return app


def _callback(app, key, *, due, phone=None, email=None, reason="Phone call: advice", **owner):
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key=key, channel="phone", at=NOW - timedelta(hours=16))
        record_event(session=session, contact_key=key, kind="customer_said",
                     at=NOW - timedelta(hours=16), event_id=f"{key}:said", text="career advice")
        session.commit()
        return cb.create_callback(
            session=session, contact_key=key, due=due, reason=reason, source="cold_transfer",
            phone=phone, email=email, now=NOW - timedelta(hours=16),
            summary={"facts": {"age": 30, "need": "advice"}, "destination":
                     "prime_contractor_advice", "reasons": ["001:5.3"],
                     "priority_groups": ["low_skilled"]}, **owner).id


@pytest.fixture
def data(app):
    return {
        "nw_later": _callback(app, "CA-nw-later", due=NOW + timedelta(hours=7), phone=NW_PHONE,
                              contractor_id="north-west"),
        "nw_overdue": _callback(app, "CA-nw-late", due=NOW - timedelta(minutes=20),
                                phone=NW_PHONE, contractor_id="north-west",
                                reason="Phone call: north west secret reason"),
        "nw_soon": _callback(app, "CA-nw-soon", due=NOW + timedelta(minutes=30), phone=NW_PHONE,
                             contractor_id="north-west"),
        "london": _callback(app, "CA-london", due=NOW + timedelta(hours=1), phone=LONDON_PHONE,
                            contractor_id="london", reason="Phone call: london only reason"),
        "queue": _callback(app, "webchat-q1", due=NOW + timedelta(hours=2),
                           email="customer@example.org", queue_id="adult_digital_advice"),
    }


def _nw(app, name="northwest", endpoint="+441614960000"):
    return signed_in(app, name, "contractor_adviser", contractor="north-west", endpoint=endpoint)[0]


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-id="(\d+)"', page)]


def test_a_contractor_adviser_sees_only_their_callbacks_soonest_first(app, data):
    client = _nw(app)
    page = client.get("/console/callbacks").get_data(as_text=True)
    assert _ids(page) == [data["nw_overdue"], data["nw_soon"], data["nw_later"]]
    assert "london only reason" not in page and LONDON_PHONE not in page
    assert re.search(rf'<tr class="overdue" data-id="{data["nw_overdue"]}"', page)
    assert re.search(rf'<tr class="due-soon" data-id="{data["nw_soon"]}"', page)
    assert "overdue by 20 minutes" in page and "due in 30 minutes (by 10am today)" in page
    assert "001:5.3" in page and "low skilled" in page and "0 of 3" in page
    listed = client.get("/console/callbacks/list.json").get_json()["callbacks"]
    assert [c["id"] for c in listed] == _ids(page)
    assert {c["owner"] for c in listed} == {"north-west"}
    csv = client.get("/console/callbacks/export.csv").get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 4 and "london" not in csv


def test_filters_by_status_and_due_and_refuse_nonsense(app, data):
    client = _nw(app)
    overdue = client.get("/console/callbacks/list.json?due=overdue").get_json()["callbacks"]
    assert [c["id"] for c in overdue] == [data["nw_overdue"]]
    hour = client.get("/console/callbacks/list.json?due=hour").get_json()["callbacks"]
    assert [c["id"] for c in hour] == [data["nw_overdue"], data["nw_soon"]]
    assert client.get("/console/callbacks/list.json?status=failed").get_json()["callbacks"] == []
    bad = client.get("/console/callbacks/list.json?status=lost")
    assert bad.status_code == 400 and "status must be one of" in bad.get_json()["error"]


def test_contact_centre_advisers_see_the_contact_centres_queues(app, data):
    client, _ = signed_in(app, "cc", "adviser", queues=["adult_digital_advice"])
    listed = client.get("/console/callbacks/list.json").get_json()["callbacks"]
    assert [c["id"] for c in listed] == [data["queue"]]
    page = client.get(f"/console/callbacks/{data['queue']}").get_data(as_text=True)
    assert "customer@example.org" in page and "mailto:customer@example.org" in page
    assert "Call the customer" not in page  # email-only: worked by marking the outcome


def test_opening_claims_and_a_colleague_sees_who_has_it(app, data):
    anna, ben = _nw(app, "anna"), _nw(app, "ben")
    page = anna.get(f"/console/callbacks/{data['nw_soon']}").get_data(as_text=True)
    assert "This callback is yours" in page and "Call the customer" in page
    assert "customer said" in page and "callback claimed" in page  # the contact's story
    other = ben.get(f"/console/callbacks/{data['nw_soon']}").get_data(as_text=True)
    assert "anna is working on this callback" in other and "Record the outcome" not in other
    headers = {"X-CSRFToken": csrf_token(ben, "/console/callbacks")}
    refused = ben.post(f"/console/callbacks/{data['nw_soon']}/outcome", headers=headers,
                       data={"outcome": "busy"})
    assert refused.status_code == 409
    assert ben.post(f"/console/callbacks/{data['nw_soon']}/heartbeat",
                    headers=headers).status_code == 409
    mine = {"X-CSRFToken": csrf_token(anna, "/console/callbacks")}
    assert anna.post(f"/console/callbacks/{data['nw_soon']}/heartbeat",
                     headers=mine).status_code == 200
    assert anna.post(f"/console/callbacks/{data['nw_soon']}/release",
                     headers=mine).status_code == 204
    assert "This callback is yours" in ben.get(
        f"/console/callbacks/{data['nw_soon']}").get_data(as_text=True)


def _webhook(app, path, params):
    url = BASE_URL + path
    headers = {"X-Twilio-Signature": sign(app.config["SETTINGS"].effective_twilio_auth_token,
                                          url, params)}
    return app.test_client().post(path, data=params, headers=headers, base_url=BASE_URL)


def test_click_to_call_then_reached_with_an_outcome_code_and_the_whole_story(app, twilio, data):
    client = _nw(app)
    target = data["nw_overdue"]
    client.get(f"/console/callbacks/{target}")
    headers = {"X-CSRFToken": csrf_token(client, f"/console/callbacks/{target}")}
    started = client.post(f"/console/callbacks/{target}/call", headers=headers)
    assert started.status_code == 202
    (request,) = twilio.calls
    assert request["to"] == "+441614960000" and request["from_"] == "+44800100900"
    adviser_url = request["url"][len(BASE_URL):]
    twiml = ET.fromstring(_webhook(app, adviser_url, {"CallSid": "CA-adv"}).data)
    number = twiml.find("Dial/Number")
    assert number.text == NW_PHONE
    customer_status = number.get("statusCallback")[len(BASE_URL):]
    _webhook(app, customer_status, {"CallSid": "CA-cust", "CallStatus": "in-progress"})
    _webhook(app, number.get("amdStatusCallback")[len(BASE_URL):],
             {"CallSid": "CA-cust", "AnsweredBy": "human"})
    state = client.get(f"/console/callbacks/{target}/state").get_json()
    assert state["call"] == {"state": "answered", "result": None, "answered_by": "human"}
    no_code = client.post(f"/console/callbacks/{target}/outcome", headers=headers,
                          data={"outcome": "reached"})
    assert no_code.status_code == 400 and "outcome code" in no_code.get_data(as_text=True)
    done = client.post(f"/console/callbacks/{target}/outcome", headers=headers,
                       data={"outcome": "reached", "outcome_code": "advice_given"})
    assert done.status_code == 303
    _webhook(app, twiml.find("Dial").get("action")[len(BASE_URL):],
             {"CallSid": "CA-adv", "DialCallStatus": "completed"})
    page = client.get(f"/console/callbacks/{target}").get_data(as_text=True)
    assert "This callback is completed" in page and "Advice given on the call" in page
    story = re.findall(r'<span class="who">([^<]+)</span>', page)
    for step in ("started", "customer said", "callback claimed", "callback dialled",
                 "callback attempted", "callback completed"):
        assert step in story, step
    assert [c["id"] for c in client.get("/console/callbacks/list.json").get_json()["callbacks"]] \
        == [data["nw_soon"], data["nw_later"]]


def test_live_events_reach_only_the_contractor_they_belong_to(app, data):
    nw, london = _nw(app), signed_in(app, "ldn", "contractor_adviser", contractor="london")[0]
    nw.get(f"/console/callbacks/{data['nw_soon']}")  # claimed: an event for the north west
    london.get(f"/console/callbacks/{data['london']}")
    nw_events = nw.get("/console/callbacks/events", headers={"Last-Event-ID": "0-0"})
    london_events = london.get("/console/callbacks/events", headers={"Last-Event-ID": "0-0"})
    nw_frames = [json.loads(line[6:]) for line in nw_events.get_data(as_text=True).splitlines()
                 if line.startswith("data: ")]
    london_frames = [json.loads(line[6:]) for line in
                     london_events.get_data(as_text=True).splitlines() if line.startswith("data: ")]
    assert {f["callback_id"] for f in nw_frames} == {data["nw_soon"]}
    assert {f["callback_id"] for f in london_frames} == {data["london"]}


def _console_urls_for(app, callback_id):
    """Every console URL of the worklist blueprint, naming `callback_id` where it takes one."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("worklist.") and "<callback_id>" in rule.rule:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                urls.append((method, rule.rule.replace("<callback_id>", str(callback_id))))
    return urls


def test_tenancy_every_url_of_one_contractors_callback_as_another_contractor(app, data):
    target = data["nw_overdue"]
    london = signed_in(app, "ldn", "contractor_adviser", contractor="london",
                       endpoint="+442079460000")[0]
    headers = {"X-CSRFToken": csrf_token(london, "/console/callbacks")}
    urls = _console_urls_for(app, target)
    assert len(urls) >= 6
    for method, url in urls:
        response = london.open(url, method=method, headers=headers,
                               data={"outcome": "reached", "outcome_code": "advice_given"})
        body = response.get_data(as_text=True)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        for trace in (NW_PHONE, "north west secret reason", "CA-nw-late", "north-west"):
            assert trace not in body, (method, url, trace)
    for listing in ("/console/callbacks", "/console/callbacks/list.json",
                    "/console/callbacks/export.csv", "/console/callbacks/rows"):
        body = london.get(listing).get_data(as_text=True)
        assert NW_PHONE not in body and "north west secret reason" not in body
        assert target not in _ids(body) and f"/console/callbacks/{target}\"" not in body
        assert f'"id": {target},' not in body and "CA-nw-late" not in body
    # Nothing was changed by the attempts: the north west's callback is untouched.
    with Session(app.extensions["engine"]) as session:
        untouched = cb.get_callback(session=session, callback_id=target)
    assert (untouched.status, untouched.attempt_count, untouched.claim_count) == ("pending", 0, 0)
