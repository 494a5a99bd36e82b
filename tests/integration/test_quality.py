"""Quality evaluation: a weekly sample of each adviser's answered contacts, scored by
supervisors against config/quality.yaml's weighted form; advisers read their own scores."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from console.quality_form import quality_config
from models.contacts import NewEvent, open_contact, record_events
from models.quality import QualityEvaluation
from models.staff import AuditEntry
from tests.support.console import csrf_token, signed_in

# Tuesday 1 December 2026, 10:00 in London (GMT): ISO week 2026-W49.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
WEEK = "2026-W49"


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings, figures_clock=lambda: NOW)


def _answered(app, key, adviser_id, at, *, said=None):
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key=key, channel="phone", at=at)
        events = [NewEvent("answered", at + timedelta(seconds=20), f"{key}:answered",
                           {"adviser": adviser_id, "queue": "adult_information"})]
        if said:
            events.append(NewEvent("customer_said", at + timedelta(seconds=5), f"{key}:said",
                                   text=said))
        record_events(session=session, contact_key=key, events=events)
        session.commit()


def _all_yes(**change):
    answers = {q.id: "yes" for q in quality_config().form}
    answers.update(change)
    return answers


def test_each_adviser_gets_the_same_sample_of_their_weeks_contacts(app):
    sup, _ = signed_in(app, "sue", "supervisor")
    _sam_client, sam = signed_in(app, "sam", "adviser")
    _ada_client, ada = signed_in(app, "ada", "adviser")
    for n in range(5):
        _answered(app, f"CA-sam-{n}", sam.id, NOW - timedelta(hours=n))
    _answered(app, "CA-ada-0", ada.id, NOW - timedelta(hours=1))
    _answered(app, "CA-last-week", sam.id, NOW - timedelta(days=8))

    first = sup.get(f"/console/quality?week={WEEK}").get_data(as_text=True)
    assert sup.get(f"/console/quality?week={WEEK}").get_data(as_text=True) == first
    sampled = set(re.findall(r"/console/quality/contacts/(CA-[\w-]+)", first))
    size = quality_config().sample_per_adviser_per_week
    assert len([k for k in sampled if k.startswith("CA-sam")]) == min(size, 5)
    assert "CA-ada-0" in sampled and "CA-last-week" not in sampled
    assert sup.get("/console/quality?week=2026-W99").status_code == 400


def test_a_score_is_the_weighted_share_of_the_questions_that_apply(app):
    sup, _ = signed_in(app, "sue", "supervisor")
    _client, sam = signed_in(app, "sam", "adviser")
    _answered(app, "CA-1", sam.id, NOW)
    config = quality_config()
    heavy = max(config.form, key=lambda q: q.weight)
    light = min(config.form, key=lambda q: q.weight)
    answers = _all_yes(**{heavy.id: "no", light.id: "not_applicable"})
    page = f"/console/quality/contacts/CA-1?week={WEEK}"
    response = sup.post("/console/quality/contacts/CA-1",
                        data={"csrf_token": csrf_token(sup, page), "week": WEEK,
                              "comment": "Call Ann on 07700 900123 next time", **answers})
    assert response.status_code == 303
    with Session(app.extensions["engine"]) as session:
        row = session.exec(select(QualityEvaluation)).one()
        audited = [a.action for a in session.exec(select(AuditEntry)).all()]
    total = sum(q.weight for q in config.form) - light.weight
    assert row.score == pytest.approx((total - heavy.weight) / total)
    assert row.adviser_id == sam.id and row.week == WEEK and row.evaluator == "sue"
    assert "07700" not in row.comment  # the comment is stored through redaction
    assert "quality_scored" in audited


def test_an_incomplete_form_is_refused_with_reasons_and_keeps_the_answers(app):
    sup, _ = signed_in(app, "sue", "supervisor")
    _client, sam = signed_in(app, "sam", "adviser")
    _answered(app, "CA-1", sam.id, NOW)
    answers = _all_yes()
    first = quality_config().form[0]
    answers[first.id] = "maybe"
    page = f"/console/quality/contacts/CA-1?week={WEEK}"
    response = sup.post("/console/quality/contacts/CA-1",
                        data={"csrf_token": csrf_token(sup, page), "week": WEEK,
                              "comment": "kept", **answers})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert first.question[:30] in text and ">kept</textarea>" in text
    assert sup.get("/console/quality/contacts/CA-none").status_code == 404
    with Session(app.extensions["engine"]) as session:
        assert session.exec(select(QualityEvaluation)).all() == []


def test_advisers_see_only_their_own_scores_and_not_the_supervisors_pages(app):
    sup, _ = signed_in(app, "sue", "supervisor")
    sam_client, sam = signed_in(app, "sam", "adviser")
    ada_client, ada = signed_in(app, "ada", "adviser")
    _answered(app, "CA-sam", sam.id, NOW)
    _answered(app, "CA-ada", ada.id, NOW)
    for key in ("CA-sam", "CA-ada"):
        page = f"/console/quality/contacts/{key}?week={WEEK}"
        sup.post(f"/console/quality/contacts/{key}",
                 data={"csrf_token": csrf_token(sup, page), "week": WEEK,
                       "comment": f"note for {key}", **_all_yes()})
    mine = sam_client.get("/console/quality/mine").get_data(as_text=True)
    assert "note for CA-sam" in mine and "note for CA-ada" not in mine and "100%" in mine
    assert sam_client.get(f"/console/quality?week={WEEK}").status_code == 403
    assert sam_client.get("/console/quality/contacts/CA-ada").status_code == 403

    rows = list(csv.DictReader(io.StringIO(
        sup.get(f"/console/quality.csv?week={WEEK}").get_data(as_text=True))))
    assert {r["adviser"] for r in rows} == {"sam", "ada"}
    assert all(r["average_score"] == "1.000" and r["target_met"] == "yes" for r in rows)
    assert not any("CA-" in v for r in rows for v in r.values())  # no contact in the export
