"""The supervisors' blueprint, shared by the floor's pages (supervisor.py) and reports.py."""

from __future__ import annotations

from flask import Blueprint

from console import auth

# Guarded once, here: console.register() would add the guard again for every app a process makes.
# Its script is served by the console's own static route (console/static/dashboard.js).
bp = auth.guard(Blueprint("supervisor", __name__, url_prefix="/console",
                          template_folder="templates"))
SUPERVISORS = ("supervisor", "admin")
