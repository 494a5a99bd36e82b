"""The staff roles, named once: the accounts model and the settings both check against them."""

from __future__ import annotations

ROLES = ("adviser", "supervisor", "admin", "contractor_adviser")
