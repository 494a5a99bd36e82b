"""A `client:NAME` device's side of its calls (/_emulator/clients/NAME/calls): listed while they
ring or are connected, answered or declined, digits, words both ways, hang-up, and no reach into
another device's call."""

from __future__ import annotations

import pytest

from devtools.emulator.client import EmulatorError
from tests.emulator.test_emulator_twiml import _whisper_app
from tests.support.emulator import eventually


def _device(emulator, name, path="", method="GET", body=None):
    return emulator.request(method, f"/clients/{name}/calls{path}", body)


def test_a_device_answers_hears_the_whisper_presses_talks_and_hangs_up(emulator, recorder):
    _whisper_app(recorder, "amy", noun="Client")
    call = emulator.phone()
    # Listed from when the leg is created (queued), ringing a moment later.
    [ringing] = eventually(lambda: [c for c in _device(emulator, "amy")
                                    if c["status"] == "ringing"])
    assert ringing["to"] == "client:amy"
    assert ringing["from"] == "+44800100900"
    sid = ringing["sid"]
    _device(emulator, "amy", f"/{sid}/answer", "POST")
    eventually(lambda: _device(emulator, "amy", f"/{sid}")["status"] == "in-progress")
    eventually(lambda: "Press 1" in _device(emulator, "amy", f"/{sid}")["heard"])
    _device(emulator, "amy", f"/{sid}/press", "POST", {"digits": "1"})
    call.wait_for("bridged")
    call.say("I need help with my CV")
    eventually(lambda: "(they say) I need help with my CV"
               in _device(emulator, "amy", f"/{sid}")["heard"])
    _device(emulator, "amy", f"/{sid}/say", "POST", {"text": "Happy to help"})
    eventually(lambda: "(they say) Happy to help" in call.heard)
    _device(emulator, "amy", f"/{sid}/hangup", "POST")
    call.wait_for("completed")
    eventually(lambda: _device(emulator, "amy") == [])
    [ended] = _device(emulator, "amy", "?all=1")
    assert ended["status"] == "completed"


def test_a_device_declines_and_cannot_touch_another_devices_call(emulator, recorder):
    _whisper_app(recorder, "amy", noun="Client")
    call = emulator.phone()
    [ringing] = eventually(lambda: [c for c in _device(emulator, "amy")
                                    if c["status"] == "ringing"])
    sid = ringing["sid"]
    for path, method in ((f"/{sid}", "GET"), (f"/{sid}/answer", "POST")):
        with pytest.raises(EmulatorError, match="404"):
            _device(emulator, "bob", path, method)
    with pytest.raises(EmulatorError, match="400 the call is not connected"):
        _device(emulator, "amy", f"/{sid}/say", "POST", {"text": "too soon"})
    with pytest.raises(EmulatorError, match="404 a device cannot"):
        _device(emulator, "amy", f"/{sid}/take", "POST")
    _device(emulator, "amy", f"/{sid}/decline", "POST")
    call.wait_for("completed")
    assert recorder.params("/dialled")[0]["DialCallStatus"] == "busy"
    with pytest.raises(EmulatorError, match="400 only a ringing call"):
        _device(emulator, "amy", f"/{sid}/answer", "POST")
