"""The answer to the phone's offer of the links by text: only a clear yes is one."""

from __future__ import annotations

import pytest

from ivr.voice.links_offer import accepted


@pytest.mark.parametrize(("keyed", "said"), [
    ("1", ""), ("", "yes"), ("", "Yes please."), ("", "yeah, go on"), ("", "OK"), ("", "one"),
])
def test_a_yes(keyed, said):
    assert accepted(keyed, said)


@pytest.mark.parametrize(("keyed", "said"), [
    ("2", ""), ("9", ""), ("", ""), ("", "no"), ("", "no thank you"), ("", "not really"),
    ("", "yesterday I called"), ("", "I don't know"), ("2", "yes"),
])
def test_anything_else_is_no(keyed, said):
    assert not accepted(keyed, said)
