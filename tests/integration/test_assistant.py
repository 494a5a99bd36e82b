"""The assistant's two acceptance conversations, over the REST channel of a real Rasa server."""

from __future__ import annotations

import uuid

import pytest

from tests.support import rasa

assistant_url = rasa.assistant_url  # the session's real assistant (a fixture)
send = rasa.send

pytestmark = pytest.mark.rasa


def _conversation(url: str, channel: str, *texts: str) -> list[list[dict]]:
    """Each turn's messages for one new conversation on `channel`."""
    sender = f"test-{uuid.uuid4().hex}"
    return [send(url, sender, text, {"channel": channel, "dialled": "0800100900"})
            for text in texts]


def _decision(messages: list[dict]) -> dict | None:
    """The triage payload among a turn's messages, if there is one."""
    return next((m["custom"]["triage"] for m in messages if "triage" in m.get("custom", {})), None)


def _texts(messages: list[dict]) -> str:
    """A turn's text, joined."""
    return " ".join(m.get("text", "") for m in messages)


def test_a_young_person_asking_about_apprenticeships_goes_to_the_young_peoples_service(
        assistant_url):
    (turn,) = _conversation(assistant_url, "webchat",
                            "hi, I'm 17 and want to know about apprenticeships")

    triage = _decision(turn)
    assert triage["decision"]["destination"] == "young_people_service"  # 001:5.2
    assert triage["facts"] == {"channel": "webchat", "age": 17, "need": "information"}
    assert "apprenticeships.gov.uk" in _texts(turn)  # information answered now (001:5.5)


def test_redundancy_on_the_phone_asks_only_age_and_postcode_then_prime_contractor_advice(
        assistant_url):
    first, second, third = _conversation(
        assistant_url, "phone",
        "I've been made redundant and want help working out what to do next",
        "I'm forty five", "em one one ay ee")

    assert _decision(first) is None and "how old are you" in _texts(first).lower()
    assert _decision(second) is None and "postcode" in _texts(second).lower()
    triage = _decision(third)
    decision = triage["decision"]
    assert decision["destination"] == "prime_contractor_advice"  # 001:5.3
    assert "facing_redundancy_or_long_term_unemployed" in decision["priority_groups"]  # 001:3.4
    assert decision["offer_face_to_face"] is True  # 001:3.3
    assert triage["facts"]["postcode"] == "M1 1AE" and triage["facts"]["age"] == 45
    assert not any("http" in m.get("text", "") for m in first + second + third)  # voice: no links


def test_a_mention_of_self_harm_goes_to_a_person_at_once(assistant_url):
    (turn,) = _conversation(assistant_url, "phone", "honestly i just want to end it all")

    triage = _decision(turn)
    assert triage["decision"]["destination"] == "safeguarding"  # 003:L211
    assert triage["facts"]["safeguarding_concern"] is True
    assert any(m.get("custom", {}).get("handover") == "safeguarding" for m in turn)


def _api(url: str, path: str, token: str | None) -> int:
    """The status Rasa's HTTP API answers `path` with, with or without a token."""
    import urllib.error
    import urllib.request

    query = f"?token={token}" if token is not None else ""
    try:
        with urllib.request.urlopen(f"{url}{path}{query}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_assistants_api_answers_only_with_its_token(assistant_url):
    """Anything that reaches Rasa cannot read a conversation or see the model without the token."""
    for path in ("/conversations/someone-else/tracker", "/status"):
        assert _api(assistant_url, path, None) == 401
        assert _api(assistant_url, path, "not-the-token") == 401
        assert _api(assistant_url, path, rasa.assistant_token()) == 200


def test_the_app_reaches_the_assistant_with_the_token_and_not_without(assistant_url):
    """The app's client sends the token on the API calls it makes (status, parse)."""
    from ivr.rasa_client import RasaClient, RasaUnavailable

    RasaClient(assistant_url, timeout=10, token=rasa.assistant_token()).ping()
    assert RasaClient(assistant_url, timeout=10, token=rasa.assistant_token()).parse(
        "I need careers advice")["intent"]["name"]
    with pytest.raises(RasaUnavailable):
        RasaClient(assistant_url, timeout=10).ping()
