"""Written enquiries on the staff console: queues by skill, the thread, a reply by email, outcome.

Real Redis and databases; replies go through a real SMTP server into a real mailbox (Dovecot).
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from models.contacts import timeline
from models.enquiries import WrittenEnquiry
from models.staff import search_audit
from tests.support.browser import moving_clock
from tests.support.console import csrf_token, signed_in
from tests.support.databases import TEST_REDIS_URL
from tests.support.mail import CUSTOMER, mail_servers
from tests.support.twilio import WEEKDAY_MORNING


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


@pytest.fixture
def app(database_url, engine, redis_client, servers):
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, mail_smtp_url=servers.smtp_url, _env_file=None)
    return create_app(settings, engine=engine, chat_clock=moving_clock(WEEKDAY_MORNING))


def enquire(app, **fields) -> WrittenEnquiry:
    form = {"message": "How do I complain about a course?", "email": CUSTOMER.address} | fields
    assert app.test_client().post("/enquiry", data=form).status_code == 201
    with Session(app.extensions["engine"]) as session:
        return session.exec(select(WrittenEnquiry).order_by(WrittenEnquiry.id.desc())).first()


def test_an_adviser_sees_only_the_written_queues_of_their_skills(app):
    young = enquire(app, age="16")
    complaint = enquire(app, need="complaint")
    client, _ = signed_in(app, "yasmin", "adviser", queues=["young_people"])
    page = client.get("/console/written").get_data(as_text=True)
    assert "Young people (written)" in page and f"WE-{young.id}" in page
    assert "Complaints and feedback (written)" not in page
    assert client.get(f"/console/written/{complaint.id}").status_code == 404
    assert client.get("/console/written?queue=written_complaints").status_code == 404
    supervisor, _ = signed_in(app, "sue", "supervisor")
    assert f"WE-{complaint.id}" in supervisor.get(
        "/console/written?queue=written_complaints").get_data(as_text=True)


def test_a_reply_reaches_the_customer_in_the_thread_and_stops_the_clock(app, servers):
    enquiry = enquire(app, need="complaint")
    client, _ = signed_in(app, "cam", "adviser", queues=["complaints"])
    page = client.get(f"/console/written/{enquiry.id}").get_data(as_text=True)
    assert "How do I complain" in page and "complaints and feedback" in page
    before = len(servers.inbox(CUSTOMER))
    token = csrf_token(client, f"/console/written/{enquiry.id}")
    sent = client.post(f"/console/written/{enquiry.id}/reply",
                       data={"text": "We are sorry to hear that.", "csrf_token": token})
    assert sent.status_code == 303
    [mail] = servers.inbox(CUSTOMER)[before:]
    assert mail["In-Reply-To"] and "We are sorry to hear that." in mail.get_content()
    with Session(app.extensions["engine"]) as session:
        stored = session.get(WrittenEnquiry, enquiry.id)
        assert stored.status == "answered" and stored.first_responded_at is not None
        actions = [e.action for e in search_audit(session=session, actor="cam")]
    assert "written_enquiry_viewed" in actions and "written_enquiry_replied" in actions


def test_closing_needs_an_outcome_and_lands_on_the_timeline(app):
    enquiry = enquire(app, age="16")
    client, _ = signed_in(app, "yasmin", "adviser", queues=["young_people"])
    token = csrf_token(client, f"/console/written/{enquiry.id}")
    refused = client.post(f"/console/written/{enquiry.id}/close",
                          data={"outcome": "nonsense", "csrf_token": token})
    assert "Choose+an+outcome" in refused.headers["Location"]
    closed = client.post(f"/console/written/{enquiry.id}/close",
                         data={"outcome": "information_given", "csrf_token": token})
    assert closed.status_code == 303
    with Session(app.extensions["engine"]) as session:
        assert session.get(WrittenEnquiry, enquiry.id).status == "closed"
        events = timeline(session=session, contact_key=enquiry.contact_key)
    assert [e.kind for e in events][-2:] == ["staff_note", "ended"]
    assert events[-2].detail["outcome"] == "information_given"


def test_the_supervisors_dashboard_shows_the_written_queues_clocks(app):
    enquire(app, need="complaint")  # received on 2 March 2026: long past its 48 hours today
    supervisor, _ = signed_in(app, "sue", "supervisor")
    written = supervisor.get("/console/api/dashboard").get_json()["written"]
    assert written["written_complaints"] == {"name": "Complaints and feedback (written)",
                                             "open": 1, "overdue": 1}
    assert written["written_young_people"]["open"] == 0


def test_a_reply_without_the_csrf_token_is_refused(app):
    enquiry = enquire(app, age="16")
    client, _ = signed_in(app, "yasmin", "adviser", queues=["young_people"])
    refused = client.post(f"/console/written/{enquiry.id}/reply", data={"text": "hello"})
    assert refused.status_code == 400


def test_a_reply_the_mail_server_refuses_is_kept_as_a_draft_with_the_reason(app, servers):
    # The development mail server refuses (550) any address it has no mailbox for.
    enquiry = enquire(app, need="complaint", email="nobody@unknown.example")
    client, _ = signed_in(app, "cam", "adviser", queues=["complaints"])
    token = csrf_token(client, f"/console/written/{enquiry.id}")
    draft = "We are sorry to hear that.\nHere is what happens next."
    refused = client.post(f"/console/written/{enquiry.id}/reply",
                          data={"text": draft, "csrf_token": token})
    assert refused.status_code == 502
    page = refused.get_data(as_text=True)
    assert "Your reply was not sent" in page and "kept below" in page
    assert "We are sorry to hear that.\nHere is what happens next.</textarea>" in page
    with Session(app.extensions["engine"]) as session:
        stored = session.get(WrittenEnquiry, enquiry.id)
        assert stored.first_responded_at is None  # nothing was sent, so the clock runs on
        actions = [e.action for e in search_audit(session=session, actor="cam")]
    assert "written_reply_not_sent" in actions and "written_enquiry_replied" not in actions
