"""config/voice.yaml is read once and checked, with errors that say where."""

from __future__ import annotations

import pytest
import yaml

from ivr.voice.voice_config import VOICE_FILE, VoiceConfigError, load_voice_config


def _write(tmp_path, **changes):
    doc = yaml.safe_load(VOICE_FILE.read_text(encoding="utf-8"))
    doc.update(changes)
    path = tmp_path / "voice.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def test_the_shipped_configuration_loads():
    config = load_voice_config()
    assert config.speech.language == "en-GB"
    assert 30 <= config.wait_message_interval_seconds <= 60
    assert config.need_menu["3"] == "face_to_face"


@pytest.mark.parametrize("dialled", ["+448000924429", "08000 924 429", "+44800924429"])
def test_both_spellings_of_the_jobcentre_plus_line_are_recognised(dialled):  # 000:L107, L131
    assert load_voice_config().is_jobcentre_plus_line(dialled)


@pytest.mark.parametrize("dialled", ["+44800100900", "", "anonymous"])
def test_other_numbers_are_not_the_jobcentre_plus_line(dialled):
    assert not load_voice_config().is_jobcentre_plus_line(dialled)


def test_prompts_fill_in_the_website():
    assert "nationalcareers.service.gov.uk" in load_voice_config().prompt("out_of_hours_offer")


def test_wording_never_abbreviates_the_service_name():
    text = VOICE_FILE.read_text(encoding="utf-8")
    assert "NCS" not in text


@pytest.mark.parametrize(("changes", "message"), [
    ({"wait_message_interval_seconds": 90}, "between 30 and 60"),
    ({"need_menu": {"1": "lunch"}}, "unknown need"),
    ({"national_number": "not a number"}, "not a phone number"),
    ({"prompts": {"greeting": "Hello"}}, "prompts: missing"),
])
def test_bad_configuration_is_refused_with_a_reason(tmp_path, changes, message):
    with pytest.raises(VoiceConfigError, match=message):
        load_voice_config(_write(tmp_path, **changes))


def test_hints_with_commas_are_refused(tmp_path):
    doc = yaml.safe_load(VOICE_FILE.read_text(encoding="utf-8"))
    doc["speech"]["hints"] = ["one, two"]
    path = tmp_path / "voice.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(VoiceConfigError, match="hints"):
        load_voice_config(path)


def test_every_language_line_has_its_own_number_key_and_words():  # 000:L47, L129; 000:L36
    from routing.plan import default_directory

    lines = load_voice_config().language_lines
    directory = default_directory()
    assert {line.language.lower() for line in lines} == set(directory.language_lines)
    assert len({line.number for line in lines}) == len({line.digit for line in lines}) == 8
    assert load_voice_config().language_line_called("0808 157 0006").language == "Polish"
    assert load_voice_config().language_line_keyed("6").language == "Polish"
    assert load_voice_config().language_line_called("+44800100900") is None


def test_two_language_lines_on_one_key_are_refused(tmp_path):
    doc = yaml.safe_load(VOICE_FILE.read_text(encoding="utf-8"))
    lines = doc["language_lines"]
    lines["French"]["digit"] = lines["Polish"]["digit"]
    with pytest.raises(VoiceConfigError, match="language_lines: each line needs its own digit"):
        load_voice_config(_write(tmp_path, language_lines=lines))


@pytest.mark.parametrize("entry", ["languages_offer", "line_names", "assistant_fallback_starts"])
def test_every_entry_is_written_in_the_file_none_defaults_in_code(tmp_path, entry):
    doc = yaml.safe_load(VOICE_FILE.read_text(encoding="utf-8"))
    del doc[entry]
    path = tmp_path / "voice.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(VoiceConfigError, match=entry):
        load_voice_config(path)
