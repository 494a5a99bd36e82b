"""The assistant's Redis credentials, from the environment, for its tracker and lock stores.

bot/endpoints.yml names the server (REDIS_HOST, REDIS_PORT, REDIS_DB); a password and TLS come
from REDIS_PASSWORD and REDIS_SSL here rather than from `${...}` in that file, because Rasa
refuses to start when a variable it substitutes is unset, and most installations have neither.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


def redis_credentials(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Keyword arguments for Rasa's Redis stores: password and TLS, when the environment sets
    them."""
    found: dict[str, Any] = {}
    if password := environ.get("REDIS_PASSWORD", ""):
        found["password"] = password
    if environ.get("REDIS_SSL", "").strip().lower() in ("1", "true", "yes"):
        found["use_ssl"] = True
    return found
