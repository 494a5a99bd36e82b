"""The desk's Transfer menu on a live call: warm or cold transfer to a prime contractor, a callback
after research, hold and mute (issue 27 item 3).

The console reaches the phone through the desk ports (engine.desk_ports: `call_actions`), never
a channel. Every action is the adviser's on a call the dispatcher gave them, POSTed with the CSRF
token, written to the audit log; a transfer or callback sets the adviser's wrap-up outcome code
(engine.desk_calls.OUTCOME_OF). Of two requests racing to act on one call, one wins (409 for the
other); warm transfers follow routing.plan's rule and the contractor's hours (409 with a cold
transfer offered when it is closed).
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from sqlmodel import select

from console.audit import audit
from console.auth import guard, role_required
from console.screen_pop import screen_pop
from engine import desk_calls
from engine.desk_calls import Refused, Taken
from engine.desk_ports import desk_ports
from engine.dispatch import clock, dispatch, get_dispatcher, now, queue_ids
from engine.when import by_when
from models.db import session_scope
from models.staff import StaffUser
from routing import EmergencyClosures, colleague
from routing.callback_config import load_rules
from routing.plan import default_directory
from triage.postcodes import lookup

bp = guard(Blueprint("call_transfers", __name__, url_prefix="/console/api/calls"))
# What the adviser is told when an action has been done.
DONE = {
    "warm_transfer": "Dialling {contractor}. The customer is on hold; you will talk to the "
                     "prime contractor first.",
    "complete_warm": "You have left the call. The customer and {contractor} are connected.",
    "cancel_warm": "The warm transfer is called off. The customer is back with you.",
    "cold_transfer": "Cold transfer booked: {contractor} will call the customer back {when}. "
                     "The customer has been told.",
    "research_callback": "Callback booked for you, due {when}. It is on your worklist.",
    "colleague_transfer": "Passing the call to {name}: their phone is ringing. The customer "
                          "waits in the queue, first for them.",
    "queue_transfer": "The customer is waiting in the {queue} queue for the next adviser, "
                      "keeping their place.",
}


def init_app(app) -> None:
    """Register the Transfer menu's API (guarded like the rest of the console)."""
    app.register_blueprint(bp)


def _directory():
    return current_app.extensions.get("directory") or default_directory()


def _call(member: str):
    """The call the dispatcher gave this adviser, or 403/404."""
    held = get_dispatcher().assignment(member)
    if held is None:
        abort(404, "this contact is not with an adviser")
    if held.adviser_id != current_user.id:
        abort(403, "this contact is with another adviser")
    if held.channel != "call":
        abort(404, "not a call")
    return held


def _actions():
    found = desk_ports().call_actions
    if found is None:
        abort(503, "the phone line is switched off on this system")
    return found


def _contractor(body: dict) -> str:
    chosen = body.get("contractor")
    if not isinstance(chosen, str) or chosen not in _directory().contractors:
        abort(400, "choose one of the nine prime contractors")
    return chosen


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _name(contractor_id: str | None) -> str:
    if not contractor_id:
        return "the prime contractor"
    name = _directory().contractors[contractor_id].name
    return name if name.lower().startswith("the ") else f"the {name}"


@bp.get("/<member>/transfer-options")
@role_required("adviser")
def options(member: str):
    """The nine contractors (open now: a warm transfer is possible), the customer's own, and
    the longest a callback after research may be put off."""
    held = _call(member)
    directory, at = _directory(), now()
    pop = screen_pop(member, "call", held, clock()())
    area = lookup(str(pop.get("facts", {}).get("postcode") or ""))
    own = area.region if area else None
    # Emergency closures count as the phone channel counts them when it carries the action out.
    closed = EmergencyClosures(current_app.extensions["redis"]).closed_among(
        directory.entity_ids())
    listed = []
    for ident, entity in directory.contractors.items():
        route = desk_calls.contractor_route(ident, at, directory=directory, closed=closed)
        listed.append({"id": ident, "name": entity.name, "own": ident == own,
                       "warm": route.action == "warm_transfer",
                       "opens_at": route.opens_at.isoformat() if route.opens_at else None})
    listed.sort(key=lambda c: (not c["own"], c["name"]))
    state = desk_calls.desk_state(current_app.extensions["redis"], member)
    colleagues = [{"id": k, "name": v} for k, v in sorted(_colleagues().items(),
                                                          key=lambda item: item[1])]
    return jsonify(contractors=listed, own=own, queues=list(queue_ids()), colleagues=colleagues,
                   research_hours=load_rules().research_callback_hours,
                   action=state.get("action"), step=state.get("step"))


def _done(member: str, action: str, result: dict, *, audit_as: str, words: str):
    outcome = None
    if action in desk_calls.OUTCOME_OF:
        outcome = desk_calls.set_outcome(current_app.extensions["redis"], current_user.id,
                                         member, action)
    audit(audit_as, target=member, detail={k: v for k, v in result.items()
                                           if k in ("contractor", "callback_id", "queue")})
    return jsonify(**result, outcome=outcome, message=words)


def _act(run):
    try:
        return run()
    except Taken as taken:
        return jsonify(error=f"Someone has already acted on this call "
                             f"({taken.action.replace('_', ' ')})."), 409
    except Refused as refused:
        return jsonify(error=str(refused), offer_cold=refused.offer_cold), 409
    except ValueError as error:
        return jsonify(error=str(error)), 400


@bp.post("/<member>/cold-transfer")
@role_required("adviser")
def cold_transfer(member: str):
    """Book the contractor's callback (next working day, within 24 hours) and tell the caller."""
    _call(member)
    contractor = _contractor(_body())

    def run():
        done = _actions().cold_transfer(member, contractor_id=contractor,
                                        adviser_id=current_user.id)
        when = _when(done["due"])
        return _done(member, "cold_transfer", done, audit_as="call_cold_transferred",
                     words=DONE["cold_transfer"].format(contractor=_name(contractor), when=when))

    return _act(run)


@bp.post("/<member>/research-callback")
@role_required("adviser")
def research_callback(member: str):
    """A callback of the adviser's own after research, due within the configured hours."""
    _call(member)
    most = load_rules().research_callback_hours
    hours = _body().get("hours", most)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= most:
        abort(400, f"hours must be a whole number from 1 to {most}")

    def run():
        done = _actions().research_callback(member, adviser_id=current_user.id,
                                            staff_id=current_user.username, hours=hours)
        return _done(member, "research_callback", done, audit_as="call_research_callback",
                     words=DONE["research_callback"].format(when=_when(done["due"])))

    return _act(run)


@bp.post("/<member>/warm-transfer")
@role_required("adviser")
def warm_transfer(member: str):
    """Hold the caller and dial the contractor in (refused, with cold offered, when closed)."""
    _call(member)
    contractor = _contractor(_body())

    def run():
        done = _actions().warm_transfer(member, contractor_id=contractor,
                                        adviser_id=current_user.id)
        audit("call_warm_transfer_started", target=member, detail={"contractor": contractor})
        return jsonify(**done, message=DONE["warm_transfer"].format(
            contractor=_name(contractor)))

    return _act(run)


@bp.post("/<member>/warm-transfer/complete")
@role_required("adviser")
def complete_warm(member: str):
    """Leave the caller with the contractor."""
    _call(member)

    def run():
        done = _actions().complete_warm(member, adviser_id=current_user.id)
        return _done(member, "warm_transfer", done, audit_as="call_warm_transferred",
                     words=DONE["complete_warm"].format(
                         contractor=_name(done.get("contractor"))))

    return _act(run)


@bp.post("/<member>/warm-transfer/cancel")
@role_required("adviser")
def cancel_warm(member: str):
    """Call the warm transfer off: the caller is back with the adviser."""
    _call(member)

    def run():
        done = _actions().cancel_warm(member, adviser_id=current_user.id)
        audit("call_warm_transfer_cancelled", target=member,
              detail={"contractor": done.get("contractor")})
        return jsonify(**done, message=DONE["cancel_warm"])

    return _act(run)


@bp.post("/<member>/queue-transfer")
@role_required("adviser")
def queue_transfer(member: str):
    """{"queue"}: back into another contact-centre queue, keeping the customer's place."""
    _call(member)
    queue = _body().get("queue")
    if queue not in queue_ids():
        abort(400, "choose a contact-centre queue")

    def run():
        done = _actions().queue_transfer(member, queue=queue, adviser_id=current_user.id)
        audit("call_queue_transferred", target=member,
              detail={"from": done.get("from"), "to": done["queue"]})
        dispatch()
        return jsonify(**done, message=DONE["queue_transfer"].format(
            queue=queue.replace("_", " ")))

    return _act(run)


@bp.post("/<member>/colleague-transfer")
@role_required("adviser")
def colleague_transfer(member: str):
    """{"colleague": user id}: pass the call to a colleague who is Available now."""
    _call(member)
    chosen = _body().get("colleague")
    if not isinstance(chosen, int) or isinstance(chosen, bool):
        abort(400, "choose a colleague")

    def run():
        done = _actions().colleague_transfer(member, colleague_id=chosen,
                                             adviser_id=current_user.id)
        audit("call_colleague_transferred", target=member, detail={"colleague": chosen})
        return jsonify(**done, message=DONE["colleague_transfer"].format(
            name=_colleagues().get(chosen, "your colleague")))

    return _act(run)


def _colleagues() -> dict[int, str]:
    """Advisers Available now and free for a call (not this one): id -> name shown."""
    free = colleague.available(
        current_app.extensions["redis"], now=clock()(), exclude=current_user.id,
        heartbeat_timeout=current_app.extensions["console_config"].heartbeat_timeout_seconds)
    if not free:
        return {}
    with session_scope(current_app.extensions["engine"]) as db:
        users = db.exec(select(StaffUser).where(StaffUser.id.in_(free))).all()
        return {u.id: u.display_name or u.username for u in users if u.role == "adviser"}


@bp.post("/<member>/hold")
@role_required("adviser")
def hold(member: str):
    """{"on": true|false}: the caller on hold, or back."""
    return _toggle(member, "hold")


@bp.post("/<member>/mute")
@role_required("adviser")
def mute(member: str):
    """{"on": true|false}: the adviser's own line muted, or not."""
    return _toggle(member, "mute")


def _toggle(member: str, what: str):
    _call(member)
    on = _body().get("on")
    if not isinstance(on, bool):
        abort(400, '"on" must be true or false')

    def run():
        done = getattr(_actions(), what)(member, on=on)
        audit(f"call_{what}_{'on' if on else 'off'}", target=member)
        words = {("hold", True): "The customer is on hold.",
                 ("hold", False): "The customer is back with you.",
                 ("mute", True): "You are muted.", ("mute", False): "You are no longer muted."}
        return jsonify(**done, message=words[(what, on)])

    return _act(run)


def _when(due_iso: str) -> str:
    return by_when(datetime.fromisoformat(due_iso), now(), _directory().timezone)
