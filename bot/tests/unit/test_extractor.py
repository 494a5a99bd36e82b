"""The pipeline component: entities in Rasa's format, and the self-harm intent forced."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.components.extractor import FactExtractor


def process(text: str, intent: str = "greet", confidence: float = 0.9) -> Message:
    """Run the component on one message as the classifier left it."""
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": confidence},
                            "intent_ranking": [{"name": intent, "confidence": confidence}]})
    FactExtractor().process([message])
    return message


def test_entities_carry_their_span_value_and_extractor():
    message = process("hi, I'm 17 and want to know about apprenticeships")

    by_name = {e["entity"]: e for e in message.get("entities")}
    assert by_name["age"]["value"] == 17
    assert message.get("text")[by_name["age"]["start"]:by_name["age"]["end"]] == "17"
    assert by_name["topic"]["value"] == "apprenticeships"
    assert {e["extractor"] for e in message.get("entities")} == {"FactExtractor"}


def test_a_mention_of_self_harm_forces_the_intent_whatever_the_classifier_said():
    message = process("can you help, i keep hurting myself", intent="ask_advice", confidence=0.99)

    assert message.get("intent") == {"name": "express_self_harm", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "express_self_harm"
    assert any(e["entity"] == "safeguarding_concern" for e in message.get("entities"))


def test_overlapping_findings_keep_one_entity_per_token():
    entities = process("i've been made redundant").get("entities")

    spans = sorted((e["start"], e["end"]) for e in entities)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
