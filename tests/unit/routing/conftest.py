"""Fixtures for routing's unit tests: the real directory from config/ and a writable copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from routing.directory import CONFIG_DIR, load_directory


@pytest.fixture(scope="session")
def directory():
    """The directory exactly as shipped in config/."""
    return load_directory()


@pytest.fixture
def config_copy(tmp_path) -> Path:
    """A writable copy of config/'s routing files, for tests that break or extend them."""
    for name in ("contractors.yaml", "contact_centre.yaml"):
        shutil.copy(CONFIG_DIR / name, tmp_path / name)
    return tmp_path
