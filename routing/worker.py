"""The worker: keeps an eye on callback due times and purges expired personal data.

Every tick it counts open callbacks (pending, overdue, claimed with a lapsed lease) into Redis for
the live pages and warns when any are overdue, and raises each callback once when it falls due
within the hour and once when it is overdue (routing.callback_watch), so a promised callback is
never forgotten (004:L912); it rolls the figure counters up into the management-information table,
and flags customers for follow-up 31 days after their last contact and two months later
(routing.follow_up, 000:L110). Once a day it runs the retention purge (001:29.1). Given the app's
rounds (app.worker) it also ends contacts whose customer has gone unseen (engine.reconcile, every
RECONCILE_INTERVAL_SECONDS) and then dispatches. It writes counts to the log, never personal data.
`python -m app.worker [--once] [--heartbeat-file PATH]`.

Several replicas may run: each duty is done under a Redis lease (`Leases`), so one replica does a
round's summary and roll-up and only one ever purges; the callback watch marks each callback once
by itself (UPDATE … RETURNING) and dispatch pairs atomically, so every replica may run those.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import redis as redis_lib
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import clock
from config.log_format import configure as configure_logs
from config.settings import Settings, SettingsError, load_settings
from models import keys
from models.callbacks import Callback
from models.db import make_engine, session_scope
from models.records_cli import tracker_redis
from models.redis import connect
from models.retention import LAST_RUN_STATE, purge_expired
from models.service_state import get_state
from routing.callback_config import load_rules
from routing.callback_watch import watch
from routing.figure_definitions import load_definitions
from routing.follow_up import flag_due
from routing.follow_up_rules import load_rules as load_follow_up_rules
from routing.rollup import rollup

log = logging.getLogger("routing.worker")
RETENTION_EVERY = timedelta(days=1)
FOLLOW_UP_EVERY_SECONDS = 300
# Longer than any purge takes; a replica that dies mid-purge delays the next one by this much.
RETENTION_LEASE_SECONDS = 3600
# Deletes the lease only if it is still ours (it may have lapsed and been taken by another).
_GIVE_BACK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


class Leases:
    """Redis leases that let exactly one of several worker replicas do a duty at a time."""

    def __init__(self, redis: redis_lib.Redis) -> None:
        self._redis = redis

    def take(self, duty: str, seconds: float) -> str | None:
        """A token if this replica now holds `duty` for `seconds`, else None."""
        token = uuid.uuid4().hex
        lease = keys.key(keys.WORKER_LEASE, duty=duty)
        return token if self._redis.set(lease, token, nx=True, px=int(seconds * 1000)) else None

    def give_back(self, duty: str, token: str) -> None:
        """Release `duty` early, if the lease is still ours."""
        self._redis.eval(_GIVE_BACK, 1, keys.key(keys.WORKER_LEASE, duty=duty), token)


def summarise_callbacks(*, engine: Engine, redis: redis_lib.Redis, now: datetime) -> dict[str, int]:
    """Count open callbacks by state, store the counts in Redis and return them."""
    lapsed = sa.and_(Callback.status == "claimed", Callback.lease_expires_at <= now)
    overdue = sa.and_(Callback.status.in_(("pending", "claimed")), Callback.due_at < now)
    statement = sa.select(
        sa.func.count().filter(Callback.status == "pending"),
        sa.func.count().filter(Callback.status == "claimed"),
        sa.func.count().filter(overdue),
        sa.func.count().filter(lapsed),
    )
    with session_scope(engine) as session:
        pending, claimed, late, lapsed_count = session.execute(statement).one()
    summary = {"pending": pending, "claimed": claimed, "overdue": late,
               "lapsed_leases": lapsed_count, "at": int(now.timestamp())}
    redis.hset(keys.CALLBACKS_SUMMARY, mapping=summary)
    if late:
        log.warning("%d callbacks are overdue", late)
    return summary


def retention_due(*, engine: Engine, now: datetime) -> bool:
    """Whether the daily retention purge has not run in the last day."""
    with session_scope(engine) as session:
        last = get_state(session=session, name=LAST_RUN_STATE)
    return last is None or now - datetime.fromisoformat(last) >= RETENTION_EVERY


def run_retention(*, engine: Engine, trackers: redis_lib.Redis | None, now: datetime,
                  retention_days: int, redis: redis_lib.Redis | None = None,
                  log_dir: Path | None = None) -> dict[str, int]:
    """Purge what is older than the retention period (database, trackers, live Redis keys, logs);
    return what was purged."""
    with session_scope(engine) as session:
        counts = purge_expired(session=session, now=now, retention_days=retention_days,
                               tracker_redis=trackers, redis=redis, log_dir=log_dir)
    log.info("retention purge: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


def tick(*, engine: Engine, redis: redis_lib.Redis, trackers: redis_lib.Redis | None,
         retention_days: int, now: datetime | None = None, log_dir: Path | None = None,
         leases: Leases | None = None, interval: float = 30.0) -> None:
    """One round of the worker's duties (under `leases` when several replicas run)."""
    now = now or clock.now()
    # The summary lease is left to lapse: across replicas the counts are taken about once an
    # interval, whichever replica's round comes first (the roll-up is idempotent besides).
    if leases is None or leases.take("summary", interval * 0.8):
        summarise_callbacks(engine=engine, redis=redis, now=now)
        rollup(engine=engine, redis_client=redis, definitions=load_definitions(), now=now)
    watch(engine=engine, redis=redis, now=now, due_soon_minutes=load_rules().due_soon_minutes)
    # Follow-ups are flagged once per (contact, stage) whichever replica runs it; the lease, left
    # to lapse, spares the others the query and runs it about every FOLLOW_UP_EVERY_SECONDS:
    # flags are days apart, so minutes late is nothing, and the scan of linked contacts is not.
    if leases is None or leases.take("follow_up", max(FOLLOW_UP_EVERY_SECONDS, interval * 0.8)):
        with session_scope(engine) as session:
            flag_due(session=session, now=now, rules=load_follow_up_rules())
    if not retention_due(engine=engine, now=now):
        return
    token = leases.take("retention", RETENTION_LEASE_SECONDS) if leases else ""
    if leases is not None and token is None:
        return  # another replica is purging
    try:
        # Checked again under the lease: another replica may have just finished a purge.
        if leases is None or retention_due(engine=engine, now=now):
            run_retention(engine=engine, trackers=trackers, now=now,
                          retention_days=retention_days, redis=redis, log_dir=log_dir)
    finally:
        if leases is not None and token:
            leases.give_back("retention", token)


def main(argv: list[str] | None = None, *,
         dispatch_round: Callable[[Settings], Callable[[], object]] | None = None,
         reconcile_round: Callable[[Settings], Callable[[], object]] | None = None,
         reminder_round: Callable[[Settings], Callable[[], object]] | None = None,
         prog: str = "python -m routing.worker") -> int:
    """Run ticks until SIGTERM or Ctrl-C (or once, with --once).

    `dispatch_round`, given by the app's worker entry point (app.worker), builds the dispatcher's
    periodic round from the settings: routing pairs contacts with advisers, the app's channels
    carry the pairings out. `reconcile_round` builds the reconciler's (routing.reconcile): run
    before dispatch, at most once a round and about every RECONCILE_INTERVAL_SECONDS across
    replicas, under a lease left to lapse like the summary's. `reminder_round` sends the written
    reminders of callbacks due within the hour (ivr.messaging); every replica may run it, as
    each reminder is claimed once (routing.callback_messages). Without them the worker keeps
    callbacks, retention and figures only.
    """
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--once", action="store_true", help="run one round and exit")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between rounds")
    parser.add_argument("--heartbeat-file", type=Path,
                        help="touched after every round (a liveness probe reads its age)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logs(settings.log_level, fmt=settings.log_format, service="worker")
    clock.start(settings.clock_start)
    engine, redis = make_engine(settings.effective_database_url), connect(settings.redis_url)
    trackers, leases = tracker_redis(settings), Leases(redis)
    dispatch_now = dispatch_round(settings) if dispatch_round is not None else None
    reconcile_now = reconcile_round(settings) if reconcile_round is not None else None
    remind_now = reminder_round(settings) if reminder_round is not None else None
    reconcile_lease = settings.reconcile_interval_seconds * 0.8
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        try:
            tick(engine=engine, redis=redis, trackers=trackers,
                 retention_days=settings.retention_days, log_dir=settings.effective_log_dir,
                 leases=leases, interval=args.interval)
            # Before dispatch, so a contact found gone this round is never offered in it.
            if reconcile_now is not None and leases.take("reconcile", reconcile_lease):
                reconcile_now()
            if dispatch_now is not None:
                dispatch_now()
            if remind_now is not None:
                remind_now()
        except Exception as error:  # noqa: BLE001 - a bad round must not stop the next one
            log.error("worker round failed: %s", type(error).__name__)
            if args.once:
                return 1
        if args.heartbeat_file:
            args.heartbeat_file.touch()
        if args.once:
            break
        stop.wait(args.interval)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
