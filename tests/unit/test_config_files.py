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


def test_the_loader_names_the_file_and_the_entry_that_is_wrong(tmp_path):
    from config.files import ConfigFileError, load
    from ivr.chat.config import ChatConfig

    data = yaml.safe_load((CONFIG / "chat.yaml").read_text(encoding="utf-8"))
    del data["max_text_chars"]
    data["session_ttl_secs"] = 60  # a typo is an error, not a silent default
    broken = tmp_path / "chat.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"chat\.yaml: max_text_chars: Field required.*"
                                              r"session_ttl_secs: Extra inputs"):
        load(ChatConfig, broken)
    broken.write_text("queue: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"chat\.yaml: cannot be read"):
        load(ChatConfig, broken)
    with pytest.raises(ConfigFileError, match="cannot be read"):
        load(ChatConfig, tmp_path / "absent.yaml")


def test_nothing_in_code_repeats_a_value_of_the_files_it_reads():
    # The models read through config.files have no defaults: the YAML is the one place.
    from console.config import ConsoleConfig
    from console.safeguarding_cases import SafeguardingConfig
    from ivr.chat.config import ChatConfig
    from ivr.forms.config import FormsConfig
    from ivr.identity.config import IdentityConfig
    from routing.written import WrittenConfig

    for model in (ChatConfig, ConsoleConfig, FormsConfig, IdentityConfig, WrittenConfig,
                  SafeguardingConfig):
        defaults = [name for name, field in model.model_fields.items() if not field.is_required()]
        assert defaults == [], f"{model.__name__} repeats defaults: {defaults}"


def test_the_safeguarding_panels_file_refuses_no_escalation_and_an_outcome_without_a_label(
        tmp_path):
    from config.files import ConfigFileError, load
    from console.safeguarding_cases import SafeguardingConfig

    data = yaml.safe_load((CONFIG / "safeguarding.yaml").read_text(encoding="utf-8"))
    config = load(SafeguardingConfig, CONFIG / "safeguarding.yaml")
    assert list(config.outcomes) == [o["code"] for o in data["outcomes"]]  # in the file's order
    broken = tmp_path / "safeguarding.yaml"
    broken.write_text(yaml.safe_dump({**data, "acknowledge_within_minutes": 0}), encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"acknowledge_within_minutes: must be more"):
        load(SafeguardingConfig, broken)
    broken.write_text(yaml.safe_dump({**data, "outcomes": [{"code": "x"}]}), encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"outcomes: each entry needs a code and a label"):
        load(SafeguardingConfig, broken)


def test_staff_pages_show_times_in_the_centres_zone_summer_and_winter():
    from datetime import UTC, datetime

    from console.times import centre_time

    assert centre_time(datetime(2026, 7, 1, 13, 5, tzinfo=UTC), "%H:%M") == "14:05"  # BST
    assert centre_time(datetime(2026, 12, 1, 13, 5), "%H:%M") == "13:05"  # naive is UTC; GMT
    assert centre_time("2026-07-01T13:05:00+00:00", "%H:%M") == "14:05"
    assert centre_time(None) == ""
