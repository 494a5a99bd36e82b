"""A memorable number has at least six digits, wherever it is set: the config, the words, the
store."""

from __future__ import annotations

import re

import pytest
import yaml

from ivr.identity.config import IDENTITY_CONFIG_FILE, load_identity_config


def test_the_configured_number_has_six_to_eight_digits():
    config = load_identity_config()
    assert (config.secret_min, config.secret_max) == (6, 8)


def test_a_config_that_allows_fewer_than_six_digits_is_refused(tmp_path):
    data = yaml.safe_load(IDENTITY_CONFIG_FILE.read_text(encoding="utf-8"))
    data["secret_digits"] = {"min": 4, "max": 8}
    short = tmp_path / "identity.yaml"
    short.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match="6 <= min"):
        load_identity_config.__wrapped__(short)


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_every_word_that_gives_the_size_says_six_to_eight(channel):
    words = load_identity_config().__getattribute__(channel)
    sized = {name: text for name, text in words.items() if re.search(r"\d+ to \d+ digits", text)}
    assert set(sized) == {"secret", "secret_again"}
    assert all("6 to 8 digits" in text for text in sized.values()), sized


def test_the_store_refuses_a_shorter_secret():
    from models.customers import set_shared_secret

    with pytest.raises(ValueError, match="at least 6"):
        set_shared_secret(session=None, customer_id=1, secret="4821")
