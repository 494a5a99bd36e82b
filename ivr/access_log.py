"""gunicorn's access log without credentials: a chat session id in a path is masked.

The console names a contact by its member key, which for a chat carries the session id, so its
contact, chat and call paths are masked too.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# The session id is the customer's only credential for their chat: never write it to a log.
_IDS_IN_PATHS = (
    (re.compile(r"(/api/chat/sessions/)[^/?\s]+"), r"\1[session]"),
    (re.compile(r"(/console/api/(?:chats|contacts|calls)/)[^/?\s]+"), r"\1[contact]"),
)


def mask_path(path: str) -> str:
    """The path with any chat session id (or console contact key) replaced by a placeholder."""
    for pattern, placeholder in _IDS_IN_PATHS:
        path = pattern.sub(placeholder, path)
    return path


class AccessLogger(Logger):
    """gunicorn's logger, with the path atoms masked before formatting."""

    def atoms(self, resp, req, environ, request_time):  # noqa: D102 - gunicorn's own hook
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r"):
            if isinstance(atoms.get(name), str):
                atoms[name] = mask_path(atoms[name])
        return atoms
