"""The pipeline step turning the deterministic finders into entities and safety overrides."""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components import speedups
from bot.components.circumstances import find_circumstances, self_harm_span
from bot.components.spoken import CORRECTION, Found, find_ages, find_postcodes

SELF_HARM_INTENT = "express_self_harm"
REFUSAL_INTENT = "dont_know"  # a refused question is declined like one not known
# Below this confidence the classifier is unsure; facts found by rule then decide the intent,
# so that "I'm 52, where do I start with a CV?" starts triage instead of falling back.
UNSURE = 0.6
AMBIGUITY = 0.1  # FallbackClassifier's default ambiguity_threshold
NEED_INTENTS = {"information": "ask_information", "advice": "ask_advice",
                "face_to_face": "ask_face_to_face", "complaint": "make_complaint",
                "feedback": "give_feedback"}
# The intent a fact implies when the classifier is unsure, most decisive first.
# Only intents that set no slot by themselves: the entities carry the values (a forced
# "tell_jobcentre_claimant" would set the claimant slot even for "not on benefits").
FACT_INTENTS = (("language", "tell_language"), ("age", "tell_age"),
                ("postcode", "tell_postcode"), ("nation", "tell_postcode"),
                ("jobcentre_plus_claimant", "tell_age"), ("ex_offender", "tell_age"),
                ("facing_redundancy", "tell_age"), ("months_out_of_work", "tell_out_of_work"),
                ("in_work", "tell_out_of_work"), ("qualification_level", "tell_qualifications"),
                ("learning_difficulty_or_disability", "tell_age"),
                ("in_education_or_training", "tell_age"))
TRIAGE_INTENTS = frozenset(NEED_INTENTS.values()) | {
    "tell_age", "tell_postcode", "tell_jobcentre_claimant", "tell_in_custody", "tell_redundancy",
    "tell_out_of_work", "tell_qualifications", "tell_disability", "tell_in_education",
    "tell_language"}
# Intents the triage form ignores: a turn with facts is never one of them.
DIGRESSIONS = frozenset({"greet", "goodbye", "bot_challenge", "out_of_scope", "ask_repeat",
                         "ask_why", "ask_about_service", "affirm", "deny"})
# What a complaint or feedback is about: the service, an adviser, a call back. The classifier's
# complaint or feedback intent without any of these ("i'm thirteen and i want to be a vet", "just
# the website") is not trusted: sending a customer to complaints is itself a misroute.
SERVICE_OPINION = re.compile(
    r"complain|complaint|feed ?back|compliment|suggest|review|\brate\b|comments?\b|experience"
    r"|unhappy|not happy|satisf|disappoint|rude|unhelpful|useless|rubbish|terrible|awful"
    r"|appalling|disgust|disgrace|\bpoor\b|let (?:me |us )?down|escalat|manager|wrong|fed up"
    r"|waiting|waited|cancel|turned up|promised|never|nobody|no one|no-one|noone|didn'?t"
    r"|did not|call(?:ed)? (?:me )?back|rang (?:me )?back|ring (?:me )?back|treated|helpful"
    r"|brilliant|great|amazing|fantastic|excellent|lovely|thank|improve|could be better"
    r"|problem|went|idea|form\b|praise|shocking|unacceptable", re.I)
SERVICE_INTENTS = frozenset({"make_complaint", "give_feedback"})
# Below a forced intent the classifier's others are held under this, so that Rasa's fallback
# never reads the forced intent as ambiguous with the intent it overruled.
RUNNER_UP_CAP = 0.5
# The model loads this module in every assistant process, so the fix is in place before a turn.
speedups.install()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FactExtractor(GraphComponent, EntityExtractorMixin):
    """Finds ages, postcodes and circumstances by rule; forces the self-harm intent on a mention.

    It runs after the intent classifier so that a mention of suicide or self-harm becomes the
    `express_self_harm` intent with full confidence, whatever the classifier thought (003:L211).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No options: the patterns are the configuration."""
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FactExtractor:
        """Creates the component (it has nothing to train or load)."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data alone: nothing downstream learns from these entities."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the entities found in each message's text; forces the intent on self-harm."""
        for message in messages:
            text = message.get(TEXT) or ""
            span = self_harm_span(text)
            found = [Found("safeguarding_concern", *span, True)] if span else []
            postcodes = find_postcodes(text)
            found += one_age(text, find_ages(text)) + postcodes
            # A postcode said outright beats the code a named town stands for.
            found += [f for f in find_circumstances(text)
                      if not (postcodes and f.entity == "postcode")]
            kept = without_overlaps(found)
            if span:
                _force_intent(message, SELF_HARM_INTENT)
            else:
                _settle_intent(message, kept)
            new = [_entity(f.entity, f.start, f.end, f.value) for f in kept]
            entities = message.get(ENTITIES, []) + self.add_extractor_name(new)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


def one_age(text: str, ages: list[Found]) -> list[Found]:
    """One age even when several are said: the corrected one ("13, sorry, 31"), else the first."""
    if len(ages) <= 1:
        return ages
    return ages[-1:] if CORRECTION.search(text) else ages[:1]


def _settle_intent(message: Message, found: list[Found]) -> None:
    """No fallback when facts were given, and no self-harm intent the screen did not find.

    The screen (triage.safeguarding) alone decides safeguarding, so a classifier that reads "less
    dull" as self-harm is overruled; and when the classifier is unsure but the customer gave a
    fact or a need, the intent follows the fact so the fact starts (or feeds) triage.
    """
    intent = message.get(INTENT) or {}
    name, confidence = intent.get("name"), intent.get("confidence") or 0.0
    ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != SELF_HARM_INTENT]
    if name == SELF_HARM_INTENT:
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        name, confidence = (ranking[0]["name"], ranking[0]["confidence"]) if ranking else (None, 0)
        message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
    entities = {f.entity: f.value for f in found}
    wanted = _intent_for(entities)
    if name in SERVICE_INTENTS and not SERVICE_OPINION.search(message.get(TEXT) or ""):
        _demote(message, ranking, wanted)
        return
    if wanted is None:
        if entities.get("anonymous") is True and name not in NEED_INTENTS.values():
            # "I'd rather not say" is no "no": the question is declined and the customer stays
            # anonymous (000:L68), which the "don't know" rules handle at any question.
            _force_intent(message, REFUSAL_INTENT)
        return
    stated = NEED_INTENTS.get(entities.get("need"))
    if stated and name in NEED_INTENTS.values() and name != stated:
        _force_intent(message, stated)  # a need said outright beats the classifier's guess
    elif entities.get("language") and name not in NEED_INTENTS.values():
        _force_intent(message, "tell_language")  # a language line decides before anything else
    elif name in DIGRESSIONS:
        # "b1 1bb thanks" is not a goodbye, nor "you" in a spoken postcode a question about bots:
        # the form ignores these intents, so the fact would be lost.
        _force_intent(message, wanted)
    elif name == "request_human" and entities.get("language"):
        _force_intent(message, "tell_language")
    elif confidence < UNSURE or _ambiguous(ranking):
        # Unsure, or two intents too close (Rasa's fallback would drop the facts): the facts
        # decide, keeping the classifier's own triage intent when it had one.
        _force_intent(message, name if name in TRIAGE_INTENTS else wanted)


def _demote(message: Message, ranking: list[dict[str, Any]], wanted: str | None) -> None:
    """Drop a complaint or feedback guess: the facts' intent, else the next, else unsure."""
    others = [r for r in ranking if r.get("name") not in SERVICE_INTENTS]
    if wanted is not None:
        _force_intent(message, wanted)
        return
    best = others[0] if others else {"name": None, "confidence": 0.0}
    confidence = min(best.get("confidence") or 0.0, 0.3)  # a runner-up is no sure reading
    message.set(INTENT, {"name": best["name"], "confidence": confidence}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, others, add_to_output=True)


def _ambiguous(ranking: list[dict[str, Any]]) -> bool:
    """True when the top two intents are within the fallback's ambiguity margin."""
    scores = [r.get("confidence") or 0.0 for r in ranking[:2]]
    return len(scores) == 2 and scores[0] - scores[1] < AMBIGUITY


def _intent_for(entities: dict[str, Any]) -> str | None:
    """The triage intent the facts found imply, or None when there are none."""
    need = entities.get("need")
    if need in NEED_INTENTS:
        return NEED_INTENTS[need]
    return next((intent for fact, intent in FACT_INTENTS if fact in entities), None)


def without_overlaps(found: list[Found]) -> list[Found]:
    """The entities in text order, dropping any that overlaps one kept before it.

    A token can carry one entity only (Rasa's own rule), and the first finder's reading wins.
    """
    kept: list[Found] = []
    for item in found:
        if all(item.end <= other.start or item.start >= other.end for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f.start)


def _entity(name: str, start: int, end: int, value: object) -> dict[str, Any]:
    """One entity in Rasa's format; a need inferred from a topic (zero-width) says so."""
    entity = {"entity": name, "start": start, "end": end, "value": value,
              "confidence_entity": 1.0}
    if name == "need" and start == end:
        entity["role"] = "inferred"
    return entity


def _force_intent(message: Message, intent: str) -> None:
    """Makes `intent` the message's intent with full confidence, keeping the rest of the ranking."""
    ranking = [{**r, "confidence": min(r.get("confidence") or 0.0, RUNNER_UP_CAP)}
               for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
    message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}] + ranking,
                add_to_output=True)
