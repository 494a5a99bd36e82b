"""gunicorn sizes its pools from Settings, so the assistant gate stays below the threads."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from config.settings import Settings

CONF = Path(__file__).parents[2] / "config" / "gunicorn.conf.py"


@pytest.mark.parametrize("pool", ["web", "voice"])
def test_each_pool_is_sized_from_settings(pool, monkeypatch):
    for name in ("WEB_WORKERS", "WEB_THREADS", "VOICE_WORKERS", "VOICE_THREADS", "WEB_NICE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GUNICORN_POOL", pool)
    conf = runpy.run_path(str(CONF))
    settings = Settings(_env_file=None)
    assert conf["threads"] == getattr(settings, f"{pool}_threads")
    assert conf["workers"] == getattr(settings, f"{pool}_workers")


def test_the_assistant_gate_is_below_the_voice_threads():
    settings = Settings(_env_file=None)
    assert settings.assistant_max_inflight < settings.voice_threads
