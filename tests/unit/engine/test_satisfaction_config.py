"""config/satisfaction.yaml: every route has a share, sampling is deterministic from the key."""

from __future__ import annotations

import pytest
import yaml

from config.files import ConfigFileError, config_file
from engine.satisfaction import draw, is_sampled, load_satisfaction_config
from triage.tables import DESTINATIONS


def test_the_file_lists_every_route_and_the_target():
    config = load_satisfaction_config()
    assert set(config.share_by_route) == set(DESTINATIONS)
    assert config.target_percent == 95  # 000:L5, L16
    assert config.satisfied_scores == {4, 5}
    assert config.share("safeguarding") == 0.0
    assert sorted(config.chat.score_labels) == ["1", "2", "3", "4", "5"]


def test_sampling_is_the_same_every_time_and_follows_the_share():
    config = load_satisfaction_config()
    everyone = config.model_copy(update={"share_by_route": {k: 1.0 for k in DESTINATIONS}})
    no_one = config.model_copy(update={"share_by_route": {k: 0.0 for k in DESTINATIONS}})
    keys = [f"CA{n:032x}" for n in range(2000)]
    assert all(is_sampled(everyone, k, "adult_information") for k in keys)
    assert not any(is_sampled(no_one, k, "adult_information") for k in keys)
    asked = [k for k in keys if is_sampled(config, k, "adult_information")]
    assert asked == [k for k in keys if is_sampled(config, k, "adult_information")]
    assert 0.15 < len(asked) / len(keys) < 0.25  # the configured 0.2
    assert all(0.0 <= draw(k) < 1.0 for k in keys)
    assert not is_sampled(everyone, keys[0], None)  # no route: never asked


@pytest.mark.parametrize("change, message", [
    (lambda d: d["share_by_route"].pop("adult_information"), "missing ['adult_information']"),
    (lambda d: d["share_by_route"].update(nowhere=0.5), "unknown ['nowhere']"),
    (lambda d: d["share_by_route"].update(adult_information=1.5), "from 0.0 to 1.0"),
    (lambda d: d.update(satisfied_scores=[6]), "some of 1 to 5"),
    (lambda d: d["chat"]["score_labels"].pop("3"), "each score from 1 to 5"),
])
def test_a_wrong_entry_stops_the_app_with_its_name(tmp_path, change, message):
    data = yaml.safe_load(config_file("satisfaction.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "satisfaction.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigFileError, match="satisfaction.yaml") as raised:
        load_satisfaction_config(str(path))
    assert message in str(raised.value)


def test_the_setting_turns_the_survey_off_for_every_route_and_a_passed_config_wins():
    from flask import Flask

    from config.settings import Settings
    from engine import satisfaction

    app = Flask(__name__)
    app.config["SETTINGS"] = Settings(app_env="test", satisfaction_surveys=False, _env_file=None)
    with app.app_context():
        assert all(satisfaction.get_config().share(r) == 0.0 for r in DESTINATIONS)
        everyone = load_satisfaction_config().model_copy(
            update={"share_by_route": {k: 1.0 for k in DESTINATIONS}})
        app.extensions["satisfaction_config"] = everyone
        assert satisfaction.get_config().share("adult_information") == 1.0
    app.config["SETTINGS"] = Settings(app_env="test", satisfaction_surveys=True, _env_file=None)
    with app.app_context():
        app.extensions.pop("satisfaction_config")
        assert satisfaction.get_config() is not satisfaction._nobody_asked()
