"""The adviser board on real Redis and the database (SQLite and PostgreSQL): three advisers,
one Available, one Busy on a chat, one Away for lunch, with their exact times in state on a set
clock; a supervisor sets one Away and signs one out, both audited; advisers are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from models.staff import AuditEntry
from tests.integration.test_console_desk import START, Clock, adviser, chat_to_queue
from tests.support.console import api_headers, signed_in
from tests.support.databases import TEST_REDIS_URL
from tests.support.fake_twilio import FakeTwilio


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(engine, database_url, redis_client, clock):
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    return create_app(settings, voice_clock=clock, chat_clock=clock, twilio=FakeTwilio())


def elapse(clock, seconds, *clients):
    """Time passes with every desk open: a heartbeat each 15 s, as the page sends."""
    for _ in range(seconds // 15):
        clock.advance(15)
        for client in clients:
            assert client.post("/console/api/heartbeat", headers=client.headers).status_code == 200
    clock.advance(seconds % 15)


def scripted_floor(app, clock):
    """ann Available from 10:00:00, cat Away for lunch from 10:00:30, bob Busy on a chat from
    10:00:45; the board is read at 10:02:15."""
    ann, _ = adviser(app, "ann", queues=("adult_information",))
    cat, _ = adviser(app, "cat", queues=("adult_information",), available=False)
    elapse(clock, 30, ann, cat)
    response = cat.post("/console/api/presence", json={"mode": "away", "reason": "lunch"},
                        headers=cat.headers)
    assert response.status_code == 200
    elapse(clock, 15, ann, cat)
    bob, _ = adviser(app, "bob", queues=("adult_digital_advice",))
    chat_to_queue(app)  # given to bob at once
    elapse(clock, 90, ann, cat, bob)
    return ann, bob, cat


def by_name(board):
    return {a["name"]: a for a in board["advisers"]}


def audit_log(app, action):
    with Session(app.extensions["engine"]) as session:
        return [(e.actor, e.target, e.detail) for e in session.exec(
            select(AuditEntry).where(AuditEntry.action == action))]


def test_the_board_shows_state_reason_exact_time_and_the_contact(app, clock):
    scripted_floor(app, clock)
    sue, _ = signed_in(app, "sue", "supervisor")
    board = sue.get("/console/api/advisers").get_json()
    assert board["timezone"] == "Europe/London"
    assert board["at"] == "2026-03-02T10:02:15+00:00"
    rows = by_name(board)
    assert list(rows) == ["ann", "bob", "cat"]
    ann, bob, cat = rows["ann"], rows["bob"], rows["cat"]
    assert (ann["state"], ann["reason"], ann["seconds_in_state"]) == ("Available", "", 135)
    assert ann["since"] == "2026-03-02T10:00:00+00:00" and ann["contact"] is None
    assert (cat["state"], cat["reason"], cat["reason_label"]) == ("Away", "lunch", "Lunch")
    assert cat["seconds_in_state"] == 105 and cat["since"] == "2026-03-02T10:00:30+00:00"
    assert (bob["state"], bob["seconds_in_state"]) == ("Busy", 90)
    assert bob["contact"] == {"channel": "chat", "queue": "adult_digital_advice",
                              "queue_name": bob["contact"]["queue_name"], "held": 1,
                              "since": "2026-03-02T10:00:45+00:00", "seconds": 90}
    assert bob["contact"]["queue_name"] not in ("", "adult_digital_advice")
    assert [r["handled_today"] for r in (ann, bob, cat)] == [0, 1, 0]
    page = sue.get("/console/advisers").get_data(as_text=True)
    assert "<td>2 min 15 s (since 10:00:00)</td>" in page
    assert "<td>Lunch</td>" in page and 'aria-live="polite"' in page


def test_a_summer_time_clock_is_shown_in_london_time(app, clock):
    clock.now = START + timedelta(days=120)  # 30 June: British Summer Time
    adviser(app, "ann", queues=("adult_information",))
    sue, _ = signed_in(app, "sue", "supervisor")
    [ann] = sue.get("/console/api/advisers").get_json()["advisers"]
    assert ann["since"] == "2026-06-30T10:00:00+01:00"


def test_a_supervisor_sets_an_adviser_away_and_signs_one_out_audited(app, clock):
    ann_client, bob_client, cat_client = scripted_floor(app, clock)
    sue, _ = signed_in(app, "sue", "supervisor")
    ids = {a["name"]: a["id"] for a in sue.get("/console/api/advisers").get_json()["advisers"]}
    # Without the CSRF token the POST is refused.
    assert sue.post(f"/console/advisers/{ids['ann']}/away").status_code == 400
    token = api_headers(sue, "/console/advisers")["X-CSRFToken"]
    done = sue.post(f"/console/advisers/{ids['ann']}/away", data={"csrf_token": token})
    assert done.status_code == 303 and "ann+is+Away" in done.headers["Location"]
    clock.advance(10)
    ann = by_name(sue.get("/console/api/advisers").get_json())["ann"]
    assert (ann["state"], ann["reason"], ann["reason_label"], ann["seconds_in_state"]) == (
        "Away", "supervisor", "Set Away by a supervisor", 10)
    # The adviser's own desk shows it too, and nothing more is offered to them.
    desk = ann_client.get("/console/api/desk").get_json()
    assert desk["presence"]["status"] == "away" and desk["presence"]["reason"] == "supervisor"
    assert audit_log(app, "adviser_set_away") == [("sue", str(ids["ann"]),
                                                   {"reason": "supervisor"})]

    done = sue.post(f"/console/advisers/{ids['cat']}/sign-out", data={"csrf_token": token})
    assert done.status_code == 303
    assert "cat" not in by_name(sue.get("/console/api/advisers").get_json())
    assert cat_client.get("/console/desk").status_code == 302  # their session has ended
    assert audit_log(app, "adviser_signed_out") == [("sue", str(ids["cat"]), {"sessions": 1})]
    # Someone no longer signed in, or never an adviser, cannot be changed.
    assert sue.post(f"/console/advisers/{ids['cat']}/away",
                    data={"csrf_token": token}).status_code == 404
    assert sue.post("/console/advisers/999999/sign-out",
                    data={"csrf_token": token}).status_code == 404


def test_advisers_are_refused_the_board(app, clock):
    ann, _, _ = scripted_floor(app, clock)
    assert ann.get("/console/advisers").status_code == 403
    assert ann.get("/console/api/advisers").status_code == 403
    assert ann.post("/console/advisers/1/away", headers=ann.headers).status_code == 403
    assert ann.post("/console/advisers/1/sign-out", headers=ann.headers).status_code == 403
    assert app.test_client().get("/console/api/advisers").status_code == 302
    admin, _ = signed_in(app, "ada", "admin")
    assert admin.get("/console/advisers").status_code == 200
