"""Supervisors on an adviser's live phone call, from the adviser board: listen, coach, barge,
switch between them while joined, and leave without ending the call.

The console reaches the phone through the desk ports (engine.desk_ports `call_monitoring`),
never a channel. The supervisor's phone is their staff account's endpoint. Every join, switch
and leave is a CSRF-protected POST by a supervisor or admin, written to the audit log; a refusal
is 409 with the reason (the adviser is not on a phone call, the call has ended, the supervisor
has no phone, another supervisor is on it). A form gets the board back (303) or a page with the
reason; a JSON request gets JSON.
"""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from console.audit import audit
from console.auth import role_required
from console.supervisor_bp import SUPERVISORS, bp
from engine.call_monitoring import MODES, load_monitoring, monitor_state, monitored_by
from engine.desk_calls import Refused
from engine.desk_ports import desk_ports
from engine.dispatch import get_dispatcher
from models.db import session_scope
from models.staff import StaffUser


def calls_of(adviser_id: int) -> list[str]:
    """The phone calls the dispatcher gave this adviser that they still hold."""
    dispatcher = get_dispatcher()
    held = (dispatcher.assignment(m) for m in dispatcher.contacts_of(adviser_id))
    return sorted(a.member for a in held if a is not None and a.channel == "call")


def _mine() -> tuple[str | None, dict[str, str]]:
    """The call the signed-in supervisor is on, and its monitor hash."""
    redis = current_app.extensions["redis"]
    member = monitored_by(redis, current_user.id)
    return member, monitor_state(redis, member) if member else {}


def monitoring(adviser_id: int) -> dict | None:
    """What the board shows the signed-in supervisor of the adviser's phone call: None when
    the adviser is on none (and the supervisor not on one the adviser has left); else this
    supervisor's mode and step on it, or whether another supervisor is on it."""
    words = load_monitoring()
    member, found = _mine()
    mine = bool(member) and found.get("adviser") == str(adviser_id)
    if not mine:
        members = calls_of(adviser_id)
        if not members:
            return None
        found = monitor_state(current_app.extensions["redis"], members[0])
    return {"mode": found.get("mode") if mine else None,
            "said": words.modes[found["mode"]].said if mine else "",
            "step": found.get("step") if mine else None,
            "other": bool(found.get("supervisor")) and not mine,
            "modes": [{"mode": m, "label": words.modes[m].label} for m in MODES]}


def _adviser(user_id: int) -> str:
    with session_scope(current_app.extensions["engine"]) as db:
        user = db.get(StaffUser, user_id)
        if user is None:
            abort(404, "no such adviser")
        if user.role != "adviser":
            abort(400, "only an adviser's calls can be joined")
        return user.display_name or user.username


def _call(user_id: int, name: str) -> str:
    members = calls_of(user_id)
    if not members:
        raise Refused(load_monitoring().say("not_on_call", name=name))
    return members[0]


def _port():
    found = desk_ports().call_monitoring
    if found is None:
        abort(503, "the phone line is switched off on this system")
    return found


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _done(result: dict, message: str):
    if _wants_json():
        return jsonify(**result, message=message)
    return redirect(url_for("supervisor.advisers_page", done=message), code=303)


def _refused(reason: str):
    if _wants_json():
        return jsonify(error=reason), 409
    return render_template("console/monitor_refused.html", reason=reason), 409


@bp.post("/advisers/<int:user_id>/monitor")
@role_required(*SUPERVISORS)
def monitor(user_id: int):
    """{"mode": listen|coach|barge}: join the adviser's call so, or switch to it if joined."""
    body = request.get_json(silent=True) if request.is_json else request.form
    mode = body.get("mode") if hasattr(body, "get") else None
    if mode not in MODES:
        abort(400, f"mode must be one of {', '.join(MODES)}")
    name, words = _adviser(user_id), load_monitoring()
    try:
        said, (on, found) = words.modes[mode].said, _mine()
        if on and found.get("adviser") == str(user_id):
            done = _port().switch(on, supervisor_id=current_user.id, mode=mode, name=name)
            audit("call_monitor_switched", target=on,
                  detail={"adviser": user_id, "mode": mode, "from": found.get("mode")})
            return _done(done, words.say("switched", name=name, mode=said))
        member = _call(user_id, name)
        if not current_user.endpoint:
            raise Refused(words.say("no_endpoint"))
        if on:
            raise Refused(words.say("elsewhere"))
        done = _port().join(member, supervisor_id=current_user.id, adviser_id=user_id,
                            endpoint=current_user.endpoint, mode=mode, name=name)
        audit("call_monitor_joined", target=member, detail={"adviser": user_id, "mode": mode})
        return _done(done, words.say("ringing", name=name, mode=said))
    except Refused as refused:
        return _refused(str(refused))


@bp.post("/advisers/<int:user_id>/monitor/leave")
@role_required(*SUPERVISORS)
def leave(user_id: int):
    """Take the supervisor's phone out of the adviser's call; the call goes on."""
    name, words = _adviser(user_id), load_monitoring()
    try:
        member, found = _mine()
        if not member or found.get("adviser") != str(user_id):
            raise Refused(words.say("not_joined", name=name))
        done = _port().leave(member, supervisor_id=current_user.id, name=name)
        audit("call_monitor_left", target=member,
              detail={"adviser": user_id, "mode": done.get("mode")})
        return _done(done, words.say("left", name=name))
    except Refused as refused:
        return _refused(str(refused))
