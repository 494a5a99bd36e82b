"""The wallboard: a wall screen reads the queues, the service level and the safeguarding count
with a token of its own, issued and revoked by an administrator; the token opens nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from models import keys
from models.contacts import NewEvent
from models.staff import AuditEntry
from routing.figure_definitions import load_definitions
from routing.figures import Figures
from tests.support.console import csrf_token, signed_in

PAGE = "/console/admin/wallboards"
# Tuesday 1 December 2026, 10:00 in London (GMT).
MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _issue(app, name="Floor 2"):
    admin, _ = signed_in(app, "root1", "admin")
    response = admin.post(PAGE, data={"csrf_token": csrf_token(admin, PAGE), "name": name})
    assert response.status_code == 200
    address = re.search(r'value="(http[^"]+)"', response.get_data(as_text=True)).group(1)
    return admin, address.split("#token=")[1]


def _read(app, token):
    return app.test_client().get("/wallboard/api", headers={"Authorization": f"Bearer {token}"})


def _queued(figures, key, *, joined, waited, queue, answered=True):
    figures.observe("phone", key, [NewEvent("enqueued", joined, f"{key}:e", {"queue": queue})])
    if waited is not None:
        kind = "answered" if answered else "abandoned"
        figures.observe("phone", key, [NewEvent(kind, joined + timedelta(seconds=waited),
                                                f"{key}:{kind}",
                                                {"where": "queue", "queue": queue,
                                                 "queue_time": waited,
                                                 "result": "bridged" if answered else "hangup"})])


def test_a_screen_with_its_token_reads_the_queues_service_level_and_safeguarding(app):
    app.extensions["figures_clock"] = lambda: MORNING + timedelta(minutes=2)
    figures = Figures(app.extensions["redis"], load_definitions())
    _queued(figures, "CA1", joined=MORNING, waited=10, queue="adult_information")
    _queued(figures, "CA2", joined=MORNING, waited=40, queue="adult_information")
    _queued(figures, "CA3", joined=MORNING + timedelta(seconds=30), waited=None,
            queue="safeguarding")
    _admin, token = _issue(app)

    response = _read(app, token)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    board = response.get_json()
    assert board["as_of"] == "10:02"  # the centre's clock, London time
    queues = {q["id"]: q for q in board["queues"]}
    assert queues["adult_information"]["service_level"] == 0.5  # one of two within 15 s
    assert queues["adult_information"]["breached"] is True
    assert queues["safeguarding"]["waiting"] == 1
    assert queues["safeguarding"]["longest_wait_seconds"] == 90
    assert board["waiting"] == 1
    assert board["service_level"] == 0.5
    assert board["safeguarding"]["waiting"] == 1
    assert "name" in queues["safeguarding"] and queues["safeguarding"]["name"]


def test_without_a_token_or_with_a_wrong_one_the_screen_reads_nothing(app):
    _issue(app)
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic x"}):
        response = app.test_client().get("/wallboard/api", headers=headers)
        assert response.status_code == 401
        assert "token" in response.get_json()["error"]


def test_the_token_opens_the_wallboard_and_nothing_else(app):
    _admin, token = _issue(app)
    other = app.test_client()
    for path in ("/console/api/dashboard", "/console/dashboard", "/console/api/advisers"):
        response = other.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (302, 401, 403), path
        assert b"queues" not in response.data


def test_only_the_tokens_digest_is_stored_and_revoking_stops_the_screen(app):
    admin, token = _issue(app, name="Reception")
    stored = app.extensions["redis"].hgetall(keys.WALLBOARD_SCREENS)
    assert len(stored) == 1 and token not in str(stored)
    screen_id = next(iter(stored))[:12]
    assert _read(app, token).status_code == 200
    response = admin.post(f"{PAGE}/{screen_id}/revoke",
                          data={"csrf_token": csrf_token(admin, PAGE)})
    assert response.status_code == 303
    assert _read(app, token).status_code == 401
    with Session(app.extensions["engine"]) as session:
        entries = session.exec(select(AuditEntry)).all()
    assert {"wallboard_screen_issued", "wallboard_screen_revoked"} <= {a.action for a in entries}
    assert token not in str([a.detail for a in entries])  # the name is audited, never the token


def test_only_an_administrator_issues_screens_and_a_name_is_needed(app):
    supervisor, _ = signed_in(app, "sup1", "supervisor")
    assert supervisor.get(PAGE).status_code == 403
    admin, _ = signed_in(app, "root1", "admin")
    response = admin.post(PAGE, data={"csrf_token": csrf_token(admin, PAGE), "name": "  "})
    assert response.status_code == 400
    assert "name" in response.get_data(as_text=True)
    assert app.extensions["redis"].hlen(keys.WALLBOARD_SCREENS) == 0


def test_the_page_itself_holds_no_figures(app):
    response = app.test_client().get("/wallboard")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'data-api="/wallboard/api"' in text and "wallboard.js" in text
