"""Once triage has decided and routing has planned: what every channel does the same way.

The identity step comes before any route that hands the customer to an adviser (now or by a
callback), where the configured step asks for it; and the decision reaches the timeline in one
shape, whichever channel heard it.
"""

from __future__ import annotations

from typing import Any, Protocol

from routing.plan import Plan

# Routes that pass the customer to an adviser, now or by a callback: these ask who they are
# first (ivr.identity), when their destination is one the identity step asks for.
TO_AN_ADVISER = frozenset({"enqueue", "warm_transfer", "cold_transfer"})


class IdentityStep(Protocol):
    """The part of the identity step the engine needs: does this route want it now?"""

    def wanted(self, destination: str, identity: dict[str, Any] | None) -> bool:
        """True when the customer should be asked who they are before this route."""


def asks_identity_first(plan: Plan, step: IdentityStep | None,
                        identity: dict[str, Any] | None) -> bool:
    """Whether the identity step comes before carrying out `plan`."""
    return plan.action in TO_AN_ADVISER and step is not None and \
        step.wanted(plan.decision.destination, identity)


def triaged_detail(plan: Plan) -> dict[str, Any]:
    """The timeline's `triaged` event: the decision and the plan, the same on every channel."""
    decision = plan.decision.to_dict()
    return {"destination": plan.decision.destination, "action": plan.action,
            "reasons": list(decision.get("reasons") or []),
            "queue": plan.queue, "contractor": plan.contractor,
            "priority_groups": list(decision.get("priority_groups") or [])}
