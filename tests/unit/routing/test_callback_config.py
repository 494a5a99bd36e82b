"""config/callbacks.yaml: the shipped rules load, and a bad document names the entry at fault."""

import pytest
import yaml

from routing.callback_config import CONFIG_FILE, CallbackConfigError, load_rules


def test_the_shipped_rules_load_and_space_retries_per_attempt():
    rules = load_rules()
    assert rules.heartbeat_seconds < rules.lease_seconds < rules.dial_lease_seconds
    assert rules.retry_after_seconds(1) == 60 * rules.retry_after_minutes[0]
    assert rules.retry_after_seconds(2) == 60 * rules.retry_after_minutes[1]
    assert "advice_given" in rules.outcome_labels
    assert rules.relay_uk_dial_prefix == "18002"


@pytest.mark.parametrize("change, key", [
    ({"lease_seconds": 0}, "lease_seconds"),
    ({"lease_seconds": "five"}, "lease_seconds"),
    ({"retry_after_minutes": [10]}, "retry_after_minutes"),
    ({"retry_after_minutes": [10, -1]}, "retry_after_minutes"),
    ({"machine_detection": "Maybe"}, "machine_detection"),
    ({"outcome_codes": {"has space": "x"}}, "outcome_codes"),
    ({"outcome_codes": {}}, "outcome_codes"),
    ({"heartbeat_seconds": 400, "lease_seconds": 300}, "heartbeat_seconds"),
    ({"leese_seconds": 3}, "leese_seconds"),
    ({"relay_uk_dial_prefix": "18 02"}, "relay_uk_dial_prefix"),
    ({"who_will_call": {"contractor": "x"}}, "who_will_call.contact_centre"),
])
def test_bad_documents_are_refused_naming_the_key(tmp_path, change, key):
    doc = {**yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8")), **change}
    path = tmp_path / "callbacks.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(CallbackConfigError, match=key):
        load_rules.__wrapped__(path)


def test_every_entry_is_required_the_file_is_the_only_place_a_value_is_written(tmp_path):
    doc = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    del doc["busy_callback_hours"]
    path = tmp_path / "callbacks.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(CallbackConfigError, match="busy_callback_hours"):
        load_rules.__wrapped__(path)
