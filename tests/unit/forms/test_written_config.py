"""config/forms.yaml's written queues: every entry whole, names as staff should read them."""

from __future__ import annotations

import pytest

from routing.written import CONFIG_FILE, load_written_config


def test_the_safeguarding_queue_keeps_its_whole_name():
    names = load_written_config(CONFIG_FILE).queue_names()
    assert names["written_safeguarding"] == "Safeguarding (written, urgent)"
    assert all(name.count("(") == name.count(")") for name in names.values())


def test_an_entry_split_by_an_unquoted_comma_is_refused_with_its_place(tmp_path):
    broken = tmp_path / "forms.yaml"
    broken.write_text(CONFIG_FILE.read_text(encoding="utf-8").replace(
        '"Safeguarding (written, urgent)"', "Safeguarding (written, urgent)"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"written\.queues\.safeguarding: .*quote a name"):
        load_written_config(broken)
