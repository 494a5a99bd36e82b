"""Routing: turn a triage decision into what happens now, and keep every callback to completion.

- `routing.directory`: prime contractors, contact centre, queues and language lines from config/.
- `routing.hours`: calendars (open now, next opening, end of the next period, working days).
- `routing.closures`: runtime emergency closures in Redis, seen by every process at once.
- `routing.plan`: `plan(decision, channel, at)`, pure given a Directory and the closed ids.
- `routing.callbacks`: the durable callback queue (create, claim with a lease, attempts, finish).
- `python -m routing plan [--jsonl]`: the Routing contract's command line.
"""

from routing.closures import EmergencyClosures
from routing.directory import Directory, DirectoryError, load_directory
from routing.plan import Plan, plan

__all__ = ["Directory", "DirectoryError", "EmergencyClosures", "Plan", "load_directory", "plan"]
