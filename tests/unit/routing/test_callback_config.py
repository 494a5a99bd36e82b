"""config/callbacks.yaml: the shipped rules load, and a bad document names the key at fault."""

import pytest

from routing.callback_config import CallbackConfigError, load_rules, parse_rules


def test_the_shipped_rules_load_and_space_retries_per_attempt():
    rules = load_rules()
    assert rules.heartbeat_seconds < rules.lease_seconds < rules.dial_lease_seconds
    assert rules.retry_after_seconds(1) == 60 * rules.retry_after_minutes[0]
    assert rules.retry_after_seconds(2) == 60 * rules.retry_after_minutes[1]
    assert "advice_given" in rules.outcome_labels


@pytest.mark.parametrize("doc, key", [
    ({"lease_seconds": 0}, "lease_seconds"),
    ({"lease_seconds": "5"}, "lease_seconds"),
    ({"retry_after_minutes": [10]}, "retry_after_minutes"),
    ({"retry_after_minutes": [10, -1]}, "retry_after_minutes"),
    ({"machine_detection": "Maybe"}, "machine_detection"),
    ({"outcome_codes": {"has space": "x"}}, "outcome_codes"),
    ({"outcome_codes": {}}, "outcome_codes"),
    ({"heartbeat_seconds": 400, "lease_seconds": 300}, "heartbeat_seconds"),
    ({"leese_seconds": 3}, "unknown keys: leese_seconds"),
])
def test_bad_documents_are_refused_naming_the_key(doc, key):
    with pytest.raises(CallbackConfigError, match=key):
        parse_rules(doc)
