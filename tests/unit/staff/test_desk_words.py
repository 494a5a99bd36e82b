"""The whisper line, the console's configuration and the dispatcher's language queues."""

import pytest

from console.config import load_console_config
from ivr.voice.adviser_leg import whisper_line
from ivr.voice.state import CallState
from routing.dispatcher import all_queue_ids, contact_queue


def _state(facts, destination=None, queue="young_people"):
    return CallState("CA1", facts=facts, decision={"destination": destination} if destination
                     else None, plan={"queue": queue})


def test_whisper_for_a_young_person_who_waited_two_minutes():
    line = whisper_line(_state({"age": 16, "need": "advice"}, "young_people_service"), 125)
    assert line == "young person, 16, advice, waited 2 minutes"


def test_whisper_for_an_adult_in_another_language_and_safeguarding_first():
    assert whisper_line(_state({"age": 40, "need": "information", "language": "Polish"},
                               "language_line", "language_lines:polish"), 20) == \
        "adult, 40, information, speaks Polish, waited less than a minute"
    assert whisper_line(_state({}, "safeguarding", "safeguarding"), 5).startswith(
        "urgent, safeguarding, adult, need not given")


def test_a_young_person_is_not_said_to_lack_a_need_they_were_never_asked():  # 001:5.2
    line = whisper_line(_state({"age": 15}, "young_people_service"), 65)
    assert line == "young person, 15, waited 1 minute"


def test_an_18_year_old_jobcentre_plus_customer_is_an_adult():  # 001:5.3
    line = whisper_line(_state({"age": 18, "jobcentre_plus_claimant": True, "need": "advice"}), 0)
    assert line.startswith("adult, 18")


def test_console_config_has_outcomes_canned_answers_and_interpreters():
    config = load_console_config()
    assert {"information_given", "advice_given", "safeguarding_escalated"} <= set(config.outcomes)
    assert "sam" in config.canned_text("greeting", adviser="sam", queue="young people")
    assert config.canned_text("website", adviser="x", queue="x").count(config.website) == 1
    assert set(config.interpreters) >= {"Polish", "Punjabi", "Urdu"}
    assert config.heartbeat_timeout_seconds > config.heartbeat_seconds


def test_bad_console_config_is_refused(tmp_path):
    text = (load_console_config.__globals__["CONSOLE_CONFIG_FILE"]).read_text()
    broken = tmp_path / "console.yaml"
    broken.write_text(text.replace("{adviser}", "{nobody}"))
    with pytest.raises(ValueError, match="greeting has an unknown placeholder"):
        load_console_config(broken)
    broken.write_text(text.replace("chat_cap: 3", ""))
    with pytest.raises(ValueError, match="chat_cap"):
        load_console_config(broken)


def test_language_line_contacts_wait_on_their_own_line():
    languages = ("polish", "urdu")
    assert contact_queue("language_lines", "Polish", languages) == "language_lines:polish"
    assert contact_queue("language_lines", "Klingon", languages) == "language_lines"
    assert contact_queue("young_people", "Polish", languages) == "young_people"
    assert all_queue_ids(("a",), languages) == ("a", "language_lines:polish", "language_lines:urdu")
