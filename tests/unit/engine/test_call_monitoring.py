"""What each monitoring mode makes of the supervisor's Participant, and config/monitoring.yaml:
read as written, every mode and message there, no defaults in code, a wrong file refused."""

from __future__ import annotations

import pytest
import yaml

from config.files import ConfigFileError, config_file, load
from engine.call_monitoring import MESSAGES, MODES, MonitoringConfig, load_monitoring, participant

ADVISER_LEG = "CA" + "a" * 32


def test_each_mode_is_a_participant_setting():
    assert participant("listen", ADVISER_LEG) == {"muted": True, "coaching": False,
                                                  "call_sid_to_coach": None}
    assert participant("coach", ADVISER_LEG) == {"muted": False, "coaching": True,
                                                 "call_sid_to_coach": ADVISER_LEG}
    assert participant("barge", ADVISER_LEG) == {"muted": False, "coaching": False,
                                                 "call_sid_to_coach": None}
    with pytest.raises(ValueError, match="mode must be one of"):
        participant("whisper", ADVISER_LEG)


def test_the_file_has_every_mode_and_message_and_the_code_no_defaults():
    config = load_monitoring()
    assert list(config.modes) == list(MODES) and set(config.messages) == MESSAGES
    assert [config.modes[m].label for m in MODES] == ["Listen", "Coach", "Barge"]
    assert "sam" in config.say("not_on_call", name="sam")
    assert [n for n, f in MonitoringConfig.model_fields.items() if not f.is_required()] == []


@pytest.mark.parametrize("change", [
    lambda d: d["modes"].pop("coach"),
    lambda d: d["messages"].pop("left"),
    lambda d: d.update(ring_seconds=0),
    lambda d: d.update(ringing_seconds=30),
])
def test_a_wrong_file_is_refused(tmp_path, change):
    data = yaml.safe_load(config_file("monitoring.yaml").read_text(encoding="utf-8"))
    change(data)
    broken = tmp_path / "monitoring.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigFileError, match="monitoring.yaml"):
        load(MonitoringConfig, broken)
