"""Customers' data requests: from the website or logged by staff, each with its clocks (tell the
funder within five working days, answer within 40 days; 001:34.1–34.2), worked to completion by
an administrator (identity first, 001:34.3; the data downloaded, or the records erased, 001:7.4);
closing forgets who the customer was; overdue clocks alert the supervisors."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from app import create_app
from engine.rights import clocks
from models.customers import Identity, find_customer, match_or_create_customer
from models.rights_requests import RightsRequest
from models.staff import AuditEntry
from routing.plan import default_directory
from tests.support.console import csrf_token, signed_in

# Tuesday 1 December 2026, 10:00 in London (GMT).
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ADA = {"surname": "Lovelace", "first_name": "Ada", "date_of_birth": "1990-12-10",
       "postcode": "M1 1AE", "reply_to": "ada@example.org"}


@pytest.fixture
def clock():
    return {"now": NOW}


@pytest.fixture
def app(settings, redis_client, clock):
    return create_app(settings, chat_clock=lambda: clock["now"],
                      figures_clock=lambda: clock["now"])


def _rows(app) -> list[RightsRequest]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(RightsRequest)))


def _customer(app) -> int:
    identity = Identity.of(surname="Lovelace", first_name="Ada", date_of_birth="1990-12-10",
                           postcode="M1 1AE")
    with Session(app.extensions["engine"]) as session:
        match = match_or_create_customer(session=session, identity=identity, at=NOW)
        session.commit()
        return match.customer_id


def test_a_customer_asks_on_the_website_and_gets_a_reference_with_the_answer_date(app):
    response = app.test_client().post("/privacy/requests", data={"kind": "access", **ADA})
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    reference = re.search(r"RR-[0-9A-F]{8}", text).group(0)
    assert "Sunday 10 January 2027" in text  # 40 calendar days
    (row,) = _rows(app)
    assert row.reference == reference and row.channel == "web" and row.logged_by == "customer"
    assert row.funder_due == date(2026, 12, 8)  # five working days
    assert row.surname == "lovelace" and row.postcode == "M11AE"
    # The form says a termination closes the online learning account too (001:7.4).
    assert "Lifelong Learning Account" in app.test_client().get("/privacy").get_data(as_text=True)


def test_a_bad_request_is_refused_with_reasons_and_a_robot_stores_nothing(app):
    client = app.test_client()
    response = client.post("/privacy/requests",
                           data={**ADA, "kind": "everything", "postcode": "nowhere",
                                 "reply_to": ""})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "There is a problem" in text and "postcode" in text and 'value="Lovelace"' in text
    assert client.post("/privacy/requests", data={"kind": "access", **ADA,
                                                  "website": "x"}).status_code == 201
    assert _rows(app) == []


def test_the_funders_five_working_days_skip_christmas_and_the_new_year():
    directory = default_directory()
    zone = directory.timezone
    # Wednesday 23 December 2026: Christmas Day, Boxing Day's Monday and New Year's Day are
    # bank holidays, and the weekends do not count.
    funder, answer = clocks("access", datetime(2026, 12, 23, 16, 0, tzinfo=UTC), directory, zone)
    assert funder == date(2027, 1, 4) and answer == date(2027, 2, 1)
    assert clocks("termination", datetime(2026, 12, 23, 16, 0, tzinfo=UTC), directory,
                  zone) == (None, date(2027, 2, 1))


def test_staff_log_a_phone_request_and_an_admin_erases_the_records(app):
    customer_id = _customer(app)
    sup, _ = signed_in(app, "sue", "supervisor")
    page = "/console/rights"
    response = sup.post(page, data={"csrf_token": csrf_token(sup, page), "kind": "termination",
                                    "channel": "phone", **ADA})
    assert response.status_code == 303
    (row,) = _rows(app)
    ref = row.reference
    assert row.logged_by == "sue" and row.funder_due is None
    # A supervisor sees and logs requests; only an administrator confirms, exports or erases.
    for path in (f"{page}/{ref}/identity", f"{page}/{ref}/erase", f"{page}/{ref}/close"):
        assert sup.post(path, headers={"X-CSRFToken": csrf_token(sup, page)}).status_code == 403

    admin, _ = signed_in(app, "root", "admin")
    token = csrf_token(admin, page)
    early = admin.post(f"{page}/{ref}/erase", data={"csrf_token": token, "confirm": "yes"})
    assert early.status_code == 409  # identity first (001:34.3)
    assert admin.post(f"{page}/{ref}/identity", data={"csrf_token": token}).status_code == 303
    unconfirmed = admin.post(f"{page}/{ref}/erase", data={"csrf_token": token})
    assert unconfirmed.status_code == 400
    done = admin.post(f"{page}/{ref}/erase", data={"csrf_token": token, "confirm": "yes"})
    assert done.status_code == 303
    with Session(app.extensions["engine"]) as session:
        assert find_customer(session=session, identity=Identity.of(
            surname="Lovelace", first_name="Ada", date_of_birth="1990-12-10",
            postcode="M1 1AE")) is None
        row = session.exec(select(RightsRequest)).one()
        audit = session.exec(select(AuditEntry)).all()
    assert row.outcome == "erased" and row.closed_at is not None
    assert row.surname is None and row.date_of_birth is None and row.reply_to is None
    assert customer_id
    assert "rights_records_erased" in {a.action for a in audit}
    assert "Lovelace" not in json.dumps([a.detail for a in audit] + [a.target for a in audit])


def test_an_admin_downloads_a_customers_data_and_closes_the_request(app):
    _customer(app)
    app.test_client().post("/privacy/requests", data={"kind": "access", **ADA})
    ref = _rows(app)[0].reference
    admin, _ = signed_in(app, "root", "admin")
    page = "/console/rights"
    token = csrf_token(admin, page)
    assert admin.get(f"{page}/{ref}/export.json").status_code == 409
    admin.post(f"{page}/{ref}/identity", data={"csrf_token": token})
    export = admin.get(f"{page}/{ref}/export.json")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    assert export.get_json()["customer"]["surname"] == "lovelace"
    assert export.get_json()["due_by"] == "2027-01-10"
    assert admin.post(f"{page}/{ref}/funder-told", data={"csrf_token": token}).status_code == 303
    assert admin.post(f"{page}/{ref}/close", data={"csrf_token": token,
                                                   "outcome": "made_up"}).status_code == 400
    assert admin.post(f"{page}/{ref}/close", data={"csrf_token": token,
                                                   "outcome": "exported"}).status_code == 303
    (row,) = _rows(app)
    assert row.outcome == "exported" and row.funder_told_at is not None and row.surname is None


def test_late_clocks_alert_the_supervisors(app, clock):
    app.test_client().post("/privacy/requests", data={"kind": "access", **ADA})
    sup, _ = signed_in(app, "sue", "supervisor")
    assert sup.get("/console/api/dashboard").get_json()["rights"] == {
        "open": 1, "funder_overdue": 0, "answer_overdue": 0}
    clock["now"] = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)  # past the funder's date
    body = sup.get("/console/api/dashboard").get_json()
    assert {"figure": "rights_funder_overdue", "value": 1, "target": 0} in body["alerts"]
    clock["now"] = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)  # past the 40 days
    body = sup.get("/console/api/dashboard").get_json()
    assert body["rights"]["answer_overdue"] == 1
    assert "Lovelace" not in json.dumps(body)


def test_an_admin_removes_the_priority_group_indicator_from_every_contact_on_request(app):
    from models.contacts import open_contact, record_self_declared_priority_group
    from models.customers import link_contact
    from models.records import Contact

    customer_id = _customer(app)
    with Session(app.extensions["engine"]) as session:
        for key in ("CA-i1", "CA-i2"):
            open_contact(session=session, key=key, channel="phone", at=NOW)
            link_contact(session=session, contact_key=key, customer_id=customer_id)
            record_self_declared_priority_group(session=session, contact_key=key)
        session.commit()
    sup, _ = signed_in(app, "sue", "supervisor")
    page = "/console/rights"
    sup.post(page, data={"csrf_token": csrf_token(sup, page), "kind": "indicator",
                         "channel": "phone", **ADA})
    ref = _rows(app)[0].reference
    assert sup.post(f"{page}/{ref}/remove-indicator",
                    headers={"X-CSRFToken": csrf_token(sup, page)}).status_code == 403
    admin, _ = signed_in(app, "root", "admin")
    token = csrf_token(admin, page)
    assert admin.post(f"{page}/{ref}/remove-indicator",
                      data={"csrf_token": token}).status_code == 409  # identity first
    admin.post(f"{page}/{ref}/identity", data={"csrf_token": token})
    done = admin.post(f"{page}/{ref}/remove-indicator", data={"csrf_token": token})
    assert done.status_code == 303 and "2 contacts" in done.headers["Location"].replace("+", " ")
    with Session(app.extensions["engine"]) as session:
        assert [c.indicator for c in session.exec(select(Contact))] == [None, None]
    (row,) = _rows(app)
    assert row.outcome == "indicator_removed" and row.surname is None
