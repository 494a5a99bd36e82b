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


def test_one_call_per_supervisor_and_one_supervisor_per_call(redis_client):
    from engine import call_monitoring as cm

    assert cm.claim(redis_client, "CA1", 7, mode="listen", step="dialling") is None
    assert cm.claim(redis_client, "CA1", 8, mode="barge") == "7"  # another supervisor holds it
    assert cm.claim(redis_client, "CA1", 7, mode="barge") == "7"  # already theirs
    assert cm.claim(redis_client, "CA2", 7, mode="coach") == "elsewhere"
    assert cm.monitored_by(redis_client, 7) == "CA1"
    assert cm.monitor_state(redis_client, "CA1")["mode"] == "listen"
    # The join stores its leg; a later step is never undone by an earlier one.
    assert cm.update(redis_client, "CA1", while_step="dialling", step="joined")
    assert not cm.update(redis_client, "CA1", while_step="dialling", step="ringing")
    assert cm.update(redis_client, "CA1", leg="CAleg")
    assert not cm.release(redis_client, "CA1", "CAother")  # another leg's callback
    assert cm.release(redis_client, "CA1", "CAleg")
    assert not cm.update(redis_client, "CA1", leg="CAleg")  # gone: not brought back
    assert cm.monitored_by(redis_client, 7) is None and cm.monitor_state(redis_client, "CA1") == {}
    assert cm.claim(redis_client, "CA2", 7, mode="coach") is None
    redis_client.delete("ct:call:CA2:monitor")  # expired or erased: the index heals itself
    assert cm.monitored_by(redis_client, 7) is None
