"""The worker's reconcile round: contacts whose customer has gone are ended, once, everywhere.

routing.reconcile finds the candidates, decides and takes each one out of its queue atomically;
this module asks the channels what it cannot know itself and has them end what is gone, through
the ports the app registers (`ReconcilePorts`, as extensions["reconcile_ports"]): Twilio's status
of a call (through the one REST module), and the channel's own ending of a call or a chat, which
writes the timeline and counts the abandonment as a hang-up it heard about would.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from engine.dispatch import now, queue_ids
from routing.dispatcher import CALL
from routing.reconcile import Reconciler, Verdict, call_verdict, chat_verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReconcilePorts:
    """What the channels do for a reconcile round."""

    call_status: Callable[[str], str | None]  # Twilio's status of a call; None: it cannot say
    end_call: Callable[[str, str, str], None]  # (CallSid, status, queue it left or '') ended
    end_chat: Callable[[str, str, float], None]  # (session id, queue, seconds unseen) ended


@dataclass
class Reconciled:
    """What one round ended."""

    calls: int = 0  # queued calls whose call had ended
    held: int = 0  # calls advisers held after the call had ended
    chats: int = 0  # waiting chats whose customer had gone

    @property
    def total(self) -> int:
        """Every contact the round ended."""
        return self.calls + self.held + self.chats


def reconcile() -> Reconciled:
    """One round: end every queued call and held call Twilio says has ended, and every waiting
    chat whose customer has been unseen for longer than CHAT_CUSTOMER_GONE_SECONDS."""
    ports: ReconcilePorts = current_app.extensions["reconcile_ports"]
    timeout = current_app.config["SETTINGS"].chat_customer_gone_seconds
    reconciler = Reconciler(current_app.extensions["redis"], queue_ids=queue_ids())
    done = Reconciled()
    for waiting in reconciler.waiting():
        at = now().timestamp()
        try:
            if waiting.channel == CALL:
                done.calls += _end_call(reconciler, ports, waiting.member)
                continue
            verdict = chat_verdict(state=waiting.state, last_seen=waiting.last_seen,
                                   joined=waiting.joined, now=at, timeout_seconds=timeout)
            if verdict is Verdict.END and (left := reconciler.claim(
                    waiting.member, stale_before=at - timeout)) is not None:
                unseen = at - max(waiting.joined, waiting.last_seen or waiting.joined)
                ports.end_chat(waiting.member, left or waiting.queue_id, unseen)
                done.chats += 1
        except Exception as error:  # noqa: BLE001 - one contact must not stop the round
            log.error("reconciling a %s failed: %s", waiting.channel, type(error).__name__,
                      exc_info=error)
    for held in reconciler.held_calls():
        try:
            done.held += _end_call(reconciler, ports, held.member)
        except Exception as error:  # noqa: BLE001 - one contact must not stop the round
            log.error("reconciling a held call failed: %s", type(error).__name__, exc_info=error)
    if done.total:
        log.info("reconcile: ended %d queued calls, %d held calls, %d chats",
                 done.calls, done.held, done.chats)
    return done


def _end_call(reconciler: Reconciler, ports: ReconcilePorts, call_sid: str) -> int:
    """End the call if Twilio says it has ended and no other round has it; 1 if ended here."""
    status = ports.call_status(call_sid)
    if call_verdict(status) is not Verdict.END:
        return 0
    left = reconciler.claim(call_sid)
    if left is None:
        return 0
    ports.end_call(call_sid, status or "", left)
    return 1
