"""TwiML builders, checked by parsing the XML they produce."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ivr.voice import twiml
from ivr.voice.voice_config import load_voice_config

SPEECH = load_voice_config().speech


def _root(body: str) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == "Response"
    return root


def test_conversation_listens_for_speech_and_keys_in_british_english():
    root = _root(twiml.conversation(["Hello.", "How can we help?"], "https://x/voice/turn?s=1",
                                    SPEECH))
    [gather] = list(root)
    assert gather.tag == "Gather"
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-GB"
    assert gather.get("speechModel") == SPEECH.model  # pinned, not Twilio's default
    assert gather.get("speechTimeout").isdigit()  # "auto" is refused with a model (13335)
    assert gather.get("actionOnEmptyResult") == "true"  # silence comes back to be counted
    assert gather.get("numDigits") == "1"
    assert gather.get("action") == "https://x/voice/turn?s=1"
    assert "apprenticeship" in gather.get("hints")
    assert [say.text for say in gather.findall("Say")] == ["Hello.", "How can we help?"]
    assert {say.get("language") for say in gather.findall("Say")} == {"en-GB"}


def test_keypad_digits_end_with_hash():
    gather = _root(twiml.keypad(["Your age?"], "/voice/keypad?s=2", SPEECH, num_digits=None))[0]
    assert gather.get("input") == "dtmf speech"  # heard only by the safeguarding screen
    assert gather.get("finishOnKey") == "#"
    assert gather.get("numDigits") is None
    assert gather.get("actionOnEmptyResult") == "true"


def test_enqueue_names_wait_url_and_action():
    root = _root(twiml.enqueue(["Putting you through."], "young_people", action="https://x/done",
                               wait_url="https://x/wait", speech=SPEECH))
    say, enqueue = list(root)
    assert say.text == "Putting you through."
    assert enqueue.tag == "Enqueue" and enqueue.text == "young_people"
    assert (enqueue.get("action"), enqueue.get("waitUrl"), enqueue.get("waitUrlMethod")) == (
        "https://x/done", "https://x/wait", "POST")


def test_queue_wait_repeats_after_the_interval():
    gather = _root(twiml.queue_wait(["You are number 2."], action="https://x/choice",
                                    interval_seconds=40, speech=SPEECH))[0]
    assert gather.get("timeout") == "40"
    assert gather.get("actionOnEmptyResult") is None  # no key: the wait URL is asked again


def test_dial_whispers_to_the_adviser_with_a_ring_timeout():
    root = _root(twiml.dial_contractor(["Putting you through."], "+441614960002",
                                       action="https://x/done", whisper_url="https://x/w?call=CA1",
                                       ring_seconds=25, speech=SPEECH))
    dial = root.find("Dial")
    assert (dial.get("action"), dial.get("timeout")) == ("https://x/done", "25")
    number = dial.find("Number")
    assert number.text == "+441614960002"
    assert number.get("url") == "https://x/w?call=CA1"


def test_whisper_asks_for_1_and_hangs_up_without_it():
    root = _root(twiml.whisper("Customer aged 45. Press 1 to accept.", action="https://x/accept",
                               accept_seconds=8, declined="Thank you.", speech=SPEECH))
    gather, say, hangup = list(root)
    assert gather.get("numDigits") == "1" and gather.get("timeout") == "8"
    assert gather.find("Say").text.endswith("Press 1 to accept.")
    assert (say.text, hangup.tag) == ("Thank you.", "Hangup")


def test_leave_connect_redirect_and_hangup():
    assert [e.tag for e in _root(twiml.leave_queue(["Of course."], SPEECH))] == ["Say", "Leave"]
    assert list(_root(twiml.connect())) == []
    redirect = _root(twiml.redirect([], "https://x/next", SPEECH)).find("Redirect")
    assert redirect.text == "https://x/next"
    assert [e.tag for e in _root(twiml.hangup(["Goodbye."], SPEECH))] == ["Say", "Hangup"]


def test_text_is_escaped():
    root = _root(twiml.say_only(["Fish & chips <now>"], SPEECH))
    assert root[0].text == "Fish & chips <now>"


def test_a_phrase_is_said_in_its_own_language_and_voice_the_rest_in_the_channels():
    root = _root(twiml.keypad([twiml.phrase("Po polsku, naciśnij 6.", "pl-PL", "Polly.Ewa"),
                               twiml.phrase("For Somali, press 8.", None, None), "Hello."],
                              "https://x/voice/keypad?s=2", SPEECH))
    said = [(s.text, s.get("language"), s.get("voice")) for s in root.iter("Say")]
    assert said == [("Po polsku, naciśnij 6.", "pl-PL", "Polly.Ewa"),
                    ("For Somali, press 8.", "en-GB", SPEECH.voice),
                    ("Hello.", "en-GB", SPEECH.voice)]


def test_a_conference_with_an_action_goes_on_there_when_it_ends():
    dial = _root(twiml.conference([], "room-1", speech=SPEECH, action="https://x/voice/survey/after")
                 ).find("Dial")
    assert (dial.get("action"), dial.get("method")) == ("https://x/voice/survey/after", "POST")
    assert dial.find("Conference").text == "room-1"
    assert _root(twiml.conference([], "room-1", speech=SPEECH)).find("Dial").get("action") is None
