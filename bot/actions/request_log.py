"""The action server's log line per action, carrying the request id the app sent with the turn.

The app puts `request_id` in the REST message's metadata; Rasa passes the latest message (with
its metadata) to every action call. Each action run is logged once, with that id, the action's
name and its time, never the customer's words or slots. `LOG_FORMAT=json` writes the same JSON
lines as the app (config/log_format.py, which this environment cannot import).
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from rasa_sdk.executor import ActionExecutor

log = logging.getLogger("careers.actions")
_run_unlogged = ActionExecutor.run


def request_id_of(action_call: dict[str, Any]) -> str | None:
    """The request id in the latest message's metadata, if the app sent one."""
    latest = (action_call.get("tracker") or {}).get("latest_message") or {}
    value = (latest.get("metadata") or {}).get("request_id")
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with the fields the app's lines have."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                 + f".{int(record.msecs):03d}Z", "level": record.levelname,
                 "service": "actions", "logger": record.name, "message": record.getMessage()}
        for name in ("request_id", "action", "duration_ms"):
            if getattr(record, name, None) is not None:
                entry[name] = getattr(record, name)
        return json.dumps(entry, separators=(",", ":"))


async def _run_logged(self: ActionExecutor, action_call: dict[str, Any]) -> Any:
    started = time.perf_counter()
    try:
        return await _run_unlogged(self, action_call)
    finally:
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        log.info("action %s ran in %s ms", action_call.get("next_action"), elapsed,
                 extra={"request_id": request_id_of(action_call),
                        "action": action_call.get("next_action"), "duration_ms": elapsed})


def install() -> None:
    """Log every action run (once per process) in the configured format."""
    if ActionExecutor.run is _run_logged:
        return
    ActionExecutor.run = _run_logged
    out = logging.StreamHandler()
    if os.environ.get("LOG_FORMAT", "text") == "json":
        out.setFormatter(JsonFormatter())
    else:
        out.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s request_id=%(request_id)s"))
    log.addHandler(out)
    log.setLevel(logging.INFO)
    log.propagate = False
