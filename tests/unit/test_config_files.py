"""Every YAML file in config/ reads as written: no entry silently split into an empty key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CONFIG = Path(__file__).resolve().parents[2] / "config"


def _empty_values(node, where: str):
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None:
                yield f"{where}.{key}"
            yield from _empty_values(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _empty_values(value, f"{where}[{n}]")


@pytest.mark.parametrize("path", sorted(CONFIG.glob("*.yaml")), ids=lambda p: p.name)
def test_no_entry_has_an_empty_value(path):
    # In a {…} entry an unquoted comma ends the value and makes the rest a key with no value
    # ("name: Adult advice by webchat, webform and email" lost "webform and email").
    found = list(_empty_values(yaml.safe_load(path.read_text(encoding="utf-8")), path.name))
    assert found == [], f"quote the value with a comma in it: {found}"
