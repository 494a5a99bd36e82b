"""Quality evaluation: supervisors score a weekly sample of each adviser's contacts against the
form in config/quality.yaml (000:L21: a 75% internal quality target), over the contact's
redacted timeline; advisers read their own scores and comments.

The sample is drawn from the timeline's `answered` events naming the adviser in the centre's ISO
week (models.quality), the same contacts whenever asked. A comment is stored through the
transcripts' redaction. Scoring, re-scoring and the CSV are audited.
"""

from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import Session, select

from console.audit import audit
from console.auth import role_required
from console.floor import now
from console.quality_form import iso_week, quality_config, week_bounds
from console.supervisor_bp import SUPERVISORS, bp
from models import quality
from models.contacts import EventKind, UnknownContact, adviser_of, timeline
from models.db import session_scope
from models.redaction import redact
from models.staff import StaffUser
from routing.figure_definitions import load_definitions

ADVISERS = ("adviser", "contractor_adviser")


def _zone():
    return load_definitions().timezone


def _week() -> str:
    week = request.args.get("week") or request.form.get("week") or iso_week(now(), _zone())
    try:
        week_bounds(week, _zone())
    except (ValueError, IndexError):
        abort(400, description="week: give an ISO week such as 2026-W49")
    return week


def _engine():
    return current_app.extensions["engine"]


def _names(session: Session, ids) -> dict[int, str]:
    rows = session.exec(select(StaffUser).where(StaffUser.id.in_(list(ids)))).all()
    return {u.id: u.display_name and f"{u.display_name} ({u.username})" or u.username
            for u in rows}


def week_overview(session: Session, week: str) -> list[dict]:
    """Per adviser: this week's sample, each contact evaluated or not, and their average."""
    config = quality_config()
    start, end = week_bounds(week, _zone())
    answered = quality.answered_by(session=session, start=start, end=end)
    names = _names(session, answered)
    rows = []
    for adviser_id, keys in sorted(answered.items(), key=lambda kv: names.get(kv[0], "")):
        picked = quality.sample(keys, week=week, size=config.sample_per_adviser_per_week)
        done = {e.contact_key: e for e in quality.evaluations(session=session,
                                                               contact_keys=picked)}
        scored = quality.evaluations(session=session, adviser_id=adviser_id, week=week)
        average = quality.average(scored)
        rows.append({"adviser_id": adviser_id, "name": names.get(adviser_id, f"#{adviser_id}"),
                     "answered": len(keys), "sample": [(k, done.get(k)) for k in picked],
                     "evaluated": len(scored), "average": average,
                     "met": None if average is None else average >= config.target})
    return rows


@bp.get("/quality")
@role_required(*SUPERVISORS)
def quality_page():
    """This week's samples per adviser, with their scores against the target."""
    week = _week()
    with session_scope(_engine()) as session:
        rows = week_overview(session, week)
    return render_template("console/quality.html", week=week, rows=rows,
                           config=quality_config(), done=request.args.get("done"))


@bp.get("/quality.csv")
@role_required(*SUPERVISORS)
def quality_csv():
    """The week's quality figures per adviser as CSV (no customer data)."""
    week = _week()
    with session_scope(_engine()) as session:
        rows = week_overview(session, week)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["week", "adviser", "answered", "sampled", "evaluated", "average_score",
                     "target", "target_met"])
    target = quality_config().target
    for r in rows:
        writer.writerow([week, r["name"], r["answered"], len(r["sample"]), r["evaluated"],
                         "" if r["average"] is None else f"{r['average']:.3f}", target,
                         "" if r["met"] is None else ("yes" if r["met"] else "no")])
    audit("quality_exported", detail={"week": week})
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="quality-{week}.csv"',
        "Cache-Control": "no-store"})


def _contact(session: Session, key: str) -> tuple[list, int]:
    """The contact's timeline and the adviser who answered it (404 when there is none)."""
    try:
        events = timeline(session=session, contact_key=key)
    except UnknownContact:
        abort(404, description="there is no such contact")
    for event in events:
        adviser = adviser_of(event.detail) if event.kind == EventKind.ANSWERED.value else None
        if adviser is not None:
            return events, adviser
    abort(404, description="no adviser answered this contact, so there is nothing to evaluate")


@bp.get("/quality/contacts/<key>")
@role_required(*SUPERVISORS)
def evaluate_page(key: str):
    """The contact's redacted timeline beside the form."""
    with session_scope(_engine()) as session:
        events, adviser_id = _contact(session, key)
        existing = quality.evaluations(session=session, contact_keys=[key])
        return render_template("console/quality_contact.html", key=key, events=events,
                               adviser=_names(session, [adviser_id]).get(adviser_id),
                               config=quality_config(), week=_week(),
                               existing=existing[0] if existing else None, problems=[])


@bp.post("/quality/contacts/<key>")
@role_required(*SUPERVISORS)
def evaluate(key: str):
    """Score the contact; 400 with the reasons (and the answers kept) when incomplete."""
    config = quality_config()
    answers = {q.id: request.form.get(q.id, "") for q in config.form}
    comment = request.form.get("comment", "").strip()
    week = _week()
    problems = config.problems(answers)
    if len(comment) > config.comment_max_chars:
        problems.append(f"keep the comment to {config.comment_max_chars} characters")
    with session_scope(_engine()) as session:
        events, adviser_id = _contact(session, key)
        if problems:
            return render_template(
                "console/quality_contact.html", key=key, events=events,
                adviser=_names(session, [adviser_id]).get(adviser_id), config=config, week=week,
                existing=None, problems=problems, given=answers, comment=comment), 400
        row = quality.record(session=session, contact_key=key, adviser_id=adviser_id,
                             week=iso_week(events[0].at, _zone()),
                             evaluator=current_user.username, answers=answers,
                             score=config.score(answers), comment=redact(comment), at=now())
        score = row.score
    audit("quality_scored", target=key, detail={"adviser": adviser_id, "score": score})
    shown = "not scored (nothing applied)" if score is None else f"{score:.0%}"
    return redirect(url_for("supervisor.quality_page", week=week,
                            done=f"Scored {shown}."), code=303)


@bp.get("/quality/mine")
@role_required(*ADVISERS)
def my_quality_page():
    """The signed-in adviser's own evaluations: scores and comments, newest first."""
    with session_scope(_engine()) as session:
        rows = quality.evaluations(session=session, adviser_id=current_user.id)
        average = quality.average(rows)
        rows = [{"week": r.week, "score": r.score, "comment": r.comment, "at": r.at,
                 "answers": r.answers} for r in rows]
    return render_template("console/quality_mine.html", rows=rows, average=average,
                           config=quality_config())
