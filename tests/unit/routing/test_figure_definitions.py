"""config/figures.yaml: read by the one loader; a queue names only what differs from the
defaults, and a bad document names the entry at fault."""

import pytest
import yaml

from config.files import ConfigFileError
from routing.figure_definitions import CONFIG_PATH, load_definitions


def _written(tmp_path, **change):
    doc = {**yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8")), **change}
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_the_shipped_definitions_load_with_the_centres_day_and_targets():
    definitions = load_definitions()
    assert definitions.timezone.key == "Europe/London"
    assert definitions.default.threshold_seconds == 15
    assert definitions.default.service_level_target == pytest.approx(0.90)
    assert definitions.for_queue("no such queue") == definitions.default
    assert "answered within T" in definitions.formula_label(None)


def test_a_queue_overrides_only_what_it_names(tmp_path):
    path = _written(tmp_path, queues={"safeguarding": {"threshold_seconds": 5}})
    definitions = load_definitions(path)
    own = definitions.for_queue("safeguarding")
    assert own.threshold_seconds == 5
    assert own.service_level_target == definitions.default.service_level_target


@pytest.mark.parametrize("change, where", [
    ({"timezone": "Europe/Londres"}, "timezone"),
    ({"queues": {"safeguarding": {"service_level_formula": "made_up"}}},
     "queues.safeguarding.service_level_formula"),
    ({"queues": {"safeguarding": {"threshold_seconds": 0}}}, "queues.safeguarding.threshold"),
    ({"keep_days_in_redis": None}, "keep_days_in_redis"),
    ({"stale_waiting_secs": 10}, "stale_waiting_secs"),
])
def test_a_bad_document_is_refused_naming_the_entry(tmp_path, change, where):
    with pytest.raises(ConfigFileError, match=where):
        load_definitions(_written(tmp_path, **change))


def test_a_formula_in_use_needs_its_words(tmp_path):
    doc = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    del doc["formulas"][doc["defaults"]["service_level_formula"]]
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(ConfigFileError, match="no words for"):
        load_definitions(path)
