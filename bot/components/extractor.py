"""The pipeline step turning the deterministic finders into entities and safety overrides."""

from __future__ import annotations

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
from bot.components.spoken import Found, find_ages, find_postcodes

SELF_HARM_INTENT = "express_self_harm"
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
            found += find_ages(text) + find_postcodes(text) + find_circumstances(text)
            if span:
                _force_intent(message, SELF_HARM_INTENT)
            new = [_entity(f.entity, f.start, f.end, f.value) for f in without_overlaps(found)]
            entities = message.get(ENTITIES, []) + self.add_extractor_name(new)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


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
    """One entity in Rasa's format."""
    return {"entity": name, "start": start, "end": end, "value": value, "confidence_entity": 1.0}


def _force_intent(message: Message, intent: str) -> None:
    """Makes `intent` the message's intent with full confidence, keeping the rest of the ranking."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != intent]
    message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}] + ranking,
                add_to_output=True)
