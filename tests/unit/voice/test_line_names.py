"""Each inbound number's name in the figures (000:L113): names only, "other" for the rest."""

from __future__ import annotations

import pytest
import yaml

from ivr.voice.voice_config import OTHER_LINE, VOICE_FILE, VoiceConfigError, load_voice_config
from routing.figure_definitions import load_definitions
from routing.figures import line_label


def _write(tmp_path, **changes):
    doc = yaml.safe_load(VOICE_FILE.read_text(encoding="utf-8"))
    doc.update(changes)
    path = tmp_path / "voice.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(("dialled", "name"), [
    ("+44800100900", "National line"), ("0800 100 900", "National line"),
    ("08000 924 429", "Jobcentre Plus line"), ("0800 924 429", "Jobcentre Plus line"),
    ("+448081570100", "Campaign: Skills Bootcamps"), ("+448081570006", "Polish line"),
    ("+447700900123", OTHER_LINE), ("not a number", OTHER_LINE), ("", OTHER_LINE),
    (None, OTHER_LINE),
])
def test_a_number_dialled_is_named_by_its_line(dialled, name):
    assert load_voice_config().line_name(dialled) == name


def test_every_configured_name_is_a_name_not_a_number():
    config = load_voice_config()
    assert len(config.line_names) >= 12
    assert all(not any(c.isdigit() for c in name) for name in config.line_names.values())


@pytest.mark.parametrize(("changes", "message"), [
    ({"campaign_lines": [{"name": "Line 0800 100 900", "number": "+448081570101"}]}, "no digits"),
    ({"campaign_lines": [{"name": "other", "number": "+448081570101"}]}, "no digits"),
    ({"campaign_lines": [{"name": "Twice", "number": "+44800100900"}]}, "one line"),
    ({"campaign_lines": [{"name": "Bad", "number": "nope"}]}, "not a phone number"),
])
def test_bad_line_names_are_refused_with_a_reason(tmp_path, changes, message):
    with pytest.raises(VoiceConfigError, match=message):
        load_voice_config(_write(tmp_path, **changes))


@pytest.mark.parametrize(("given", "label"), [
    ("National line", "National line"), ("+447700900123", "other"), ("07700 900123", "other"),
    (None, "other"), ("", "other"), ("a|b", "a/b"),
])
def test_a_counter_label_is_never_a_number(given, label):
    assert line_label(given) == label


def test_written_channels_count_under_their_entry_point():
    definitions = load_definitions()
    assert definitions.entry_point("webchat") == "Webchat"
    assert definitions.entry_point("webform") == "Web form"
    assert definitions.entry_point("email") == "Email"
