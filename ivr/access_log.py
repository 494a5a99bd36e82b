"""gunicorn's access log without credentials: a chat session id in a path is masked."""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# The session id is the customer's only credential for their chat: never write it to a log.
_SESSION_IN_PATH = re.compile(r"(/api/chat/sessions/)[^/?\s]+")


def mask_path(path: str) -> str:
    """The path with any chat session id replaced by a placeholder."""
    return _SESSION_IN_PATH.sub(r"\1[session]", path)


class AccessLogger(Logger):
    """gunicorn's logger, with the path atoms masked before formatting."""

    def atoms(self, resp, req, environ, request_time):  # noqa: D102 - gunicorn's own hook
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r"):
            if isinstance(atoms.get(name), str):
                atoms[name] = mask_path(atoms[name])
        return atoms
