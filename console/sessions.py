"""Server-side staff sessions in Redis: a signed-in person's cookie holds only a random session id.

A signed-in session lives in Redis under a digest of its id (a copy of Redis gives no usable
cookie), with the time it began, and each user's session digests are kept in a set, so signing
out ends the session for whoever holds a copy of the cookie, and a new password or a disabled
account ends every session of that user (`end_user_sessions`). The console's guard (console.auth)
signs a session out after CONSOLE_IDLE_MINUTES without a request its user made and
CONSOLE_SESSION_HOURS after it began; Redis forgets it a little after either.

A signed-out visitor (the sign-in page's CSRF token) keeps Flask's signed cookie, so a flood of
page views stores nothing in Redis; only the CSRF token and flashed messages are ever read from
it, so no cookie of the signed kind (nor one from before this module) can carry a sign-in. A
session id is 43 URL-safe characters without a dot; a signed cookie always has two dots.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from typing import Any

import redis
from flask import Flask, Request, Response, current_app, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.sessions import session_json_serializer as serializer

from config import clock
from models import keys

logger = logging.getLogger(__name__)
# Flask-Login's key for the signed-in user: a session with it is a staff session.
USER_KEY = "_user_id"
# A person whose password was right but whose TOTP code is still to come (console.mfa): their
# session is stored like a signed-in one, and ended with the user's, but signs nobody in.
PENDING_KEY = "_mfa_pending"
# How long such a half-way session lasts (console.mfa checks it on the app's clock; Redis forgets
# it a little after).
PENDING_SECONDS = 5 * 60
# The only keys a signed-out visitor's signed cookie may bring in.
ANONYMOUS_KEYS = frozenset({"csrf_token", "_flashes"})
# Redis keeps a session this long past its idle limit, so the console's guard, not an expiry,
# normally ends it (and takes an idle adviser off the dispatcher's list).
GRACE_SECONDS = 300


class StaffSession(SecureCookieSession):
    """The session of one request: `sid` and `created` when it is a stored staff session."""

    def __init__(self, initial: Any = None, *, sid: str | None = None,
                 created: float | None = None) -> None:
        super().__init__(initial)
        self.sid = sid
        self.created = created
        self.renew = False


class StaffSessionInterface(SecureCookieSessionInterface):
    """Store signed-in sessions in the app's Redis; signed-out ones in Flask's signed cookie."""

    session_class = StaffSession

    def open_session(self, app: Flask, request: Request) -> StaffSession | None:
        """The stored session the cookie names, else what the signed cookie may carry."""
        value = request.cookies.get(self.get_cookie_name(app), "")
        if value and "." not in value:
            try:
                record = _store(app).load(value)
            except redis.RedisError:
                # Fail closed: without the store nobody is signed in (the page asks again).
                logger.warning("staff sessions unreachable; the request is treated as signed out")
                record = None
            if record is not None:
                return StaffSession(serializer.loads(record["d"]), sid=value, created=record["c"])
            return StaffSession()  # ended, expired or made up: signed out
        signed = super().open_session(app, request)
        if signed is None:
            return None
        return StaffSession({k: v for k, v in signed.items() if k in ANONYMOUS_KEYS})

    def save_session(self, app: Flask, session: StaffSession, response: Response) -> None:
        """Write the stored session and its id cookie, or the signed-out visitor's cookie."""
        store = _store(app)
        owner = owner_of(session)
        if session.sid is not None and (session.renew or owner is None):
            store.delete(session.sid)  # signed out, or a new id for the same person
            session.sid = None
            session.modified = True
        if owner is None:
            return super().save_session(app, session, response)
        if session.sid is None:
            session.created = session.created or clock.now().timestamp()
            session.sid = store.create(owner, session.created, dict(session))
        elif session.modified:
            store.update(session.sid, session.created, dict(session))
        else:
            return None
        response.set_cookie(
            self.get_cookie_name(app), session.sid, expires=self.get_expiration_time(app, session),
            httponly=self.get_cookie_httponly(app), domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")
        return None


class SessionStore:
    """Staff sessions in Redis, by a digest of their id, and each user's set of them."""

    def __init__(self, redis_client: redis.Redis, *, lifetime_seconds: int,
                 idle_seconds: int) -> None:
        self._redis = redis_client
        self._lifetime = lifetime_seconds
        self._idle = idle_seconds

    def load(self, sid: str) -> dict[str, Any] | None:
        """The stored record {"u": user id, "c": began at, "d": data}, or None."""
        text = self._redis.get(_session_key(sid))
        return json.loads(text) if text else None

    def create(self, user_id: str, created: float, data: dict[str, Any]) -> str:
        """Store a new session of `user_id`; returns its id (256 random bits)."""
        sid = secrets.token_urlsafe(32)
        users = keys.key(keys.STAFF_SESSIONS, user_id=str(user_id))
        with self._redis.pipeline(transaction=True) as pipe:
            self._write(pipe, sid, created, data, user_id)
            pipe.sadd(users, _digest(sid)).expire(users, self._lifetime + GRACE_SECONDS)
            pipe.execute()
        self._prune(users)
        return sid

    def update(self, sid: str, created: float, data: dict[str, Any]) -> None:
        """Store changed data, and push its expiry back (never past its lifetime), if it lives."""
        with self._redis.pipeline(transaction=True) as pipe:
            # SET XX: a session ended by another request meanwhile is not brought back.
            self._write(pipe, sid, created, data, owner_of(data), only_existing=True)
            pipe.execute()

    def delete(self, sid: str) -> None:
        """End one session."""
        self._redis.delete(_session_key(sid))

    def end_user(self, user_id: int | str) -> int:
        """End every session of `user_id`; returns how many there were."""
        return end_sessions_of(self._redis, user_id)

    def _write(self, pipe, sid: str, created: float, data: dict[str, Any], user_id: Any, *,
               only_existing: bool = False) -> None:
        left = self._lifetime - (clock.now().timestamp() - created)
        idle = self._idle if USER_KEY in data else min(self._idle, PENDING_SECONDS)
        seconds = int(min(idle, left)) + GRACE_SECONDS
        record = json.dumps({"u": str(user_id), "c": created, "d": serializer.dumps(data)})
        pipe.set(_session_key(sid), record, ex=max(1, seconds), xx=only_existing)

    def _prune(self, users: str) -> None:
        """Drop digests of sessions Redis has already forgotten (a user's set stays small)."""
        digests = list(self._redis.smembers(users))
        with self._redis.pipeline(transaction=False) as pipe:
            for digest in digests:
                pipe.exists(keys.key(keys.STAFF_SESSION, digest=digest))
            alive = pipe.execute()
        gone = [d for d, exists in zip(digests, alive, strict=True) if not exists]
        if gone:
            self._redis.srem(users, *gone)


def owner_of(data: Any) -> str | None:
    """The user a session belongs to: signed in, or half-way (a code still to give); else None."""
    if USER_KEY in data:
        return str(data[USER_KEY])
    pending = data.get(PENDING_KEY)
    return str(pending["u"]) if isinstance(pending, dict) and "u" in pending else None


def end_sessions_of(redis_client: redis.Redis, user_id: int | str) -> int:
    """End every session of `user_id` in this Redis (for commands); returns how many."""
    users = keys.key(keys.STAFF_SESSIONS, user_id=str(user_id))
    digests = redis_client.smembers(users)
    with redis_client.pipeline(transaction=True) as pipe:
        for digest in digests:
            pipe.delete(keys.key(keys.STAFF_SESSION, digest=digest))
        pipe.delete(users)
        pipe.execute()
    return len(digests)


def end_user_sessions(user_id: int) -> int:
    """End every session of `user_id` (new password, disabled account); returns how many."""
    return _store(current_app).end_user(user_id)


def renew() -> None:
    """Give the current session a new id when this request ends (sign-in, new password)."""
    session.renew = True  # type: ignore[attr-defined]


def session_store(redis_client: redis.Redis, settings: Any) -> SessionStore:
    """The store of staff sessions for these settings (the app's, or a command's)."""
    return SessionStore(redis_client, lifetime_seconds=settings.console_session_hours * 3600,
                        idle_seconds=settings.console_idle_minutes * 60)


def _store(app: Flask) -> SessionStore:
    return session_store(app.extensions["redis"], app.config["SETTINGS"])


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _session_key(sid: str) -> str:
    return keys.key(keys.STAFF_SESSION, digest=_digest(sid))
