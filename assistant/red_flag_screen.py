"""Rasa NLU component that screens every patient message for red flags.

It runs last in the pipeline, after intent classification. Every parse result
gets `red_flags`: a list of {"category", "level", "text"} (empty when nothing is
found). When a finding exists, the intent becomes `red_flag_emergency` or
`red_flag_urgent` (the classifier's intent is kept as `screened_intent`) and a
`red_flag_summary` entity carries the finding in plain words, so that rules can
answer with the domain's advice without calling the action server.
"""
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from redflags import EMERGENCY, RedFlagDetector, summarise

RED_FLAGS = "red_flags"
SCREENED_INTENT = "screened_intent"
SUMMARY_ENTITY = "red_flag_summary"
INTENT_FOR_LEVEL = {EMERGENCY: "red_flag_emergency", "URGENT": "red_flag_urgent"}


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class RedFlagScreen(GraphComponent):
    """Deterministic red-flag screen (rules in redflags/patterns.yml)."""

    def __init__(self, detector: Optional[RedFlagDetector] = None) -> None:
        self.detector = detector or RedFlagDetector.shared()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "RedFlagScreen":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.screen(message)
        return messages

    def screen(self, message: Message) -> None:
        """Add `red_flags` to the message and, on a finding, re-route its intent."""
        text = message.get(TEXT) or ""
        findings = [] if text.startswith("/") else self.detector.detect(text)
        message.set(RED_FLAGS, [f.as_dict() for f in findings], add_to_output=True)
        if not findings:
            return
        level = EMERGENCY if any(f.level == EMERGENCY for f in findings) else "URGENT"
        message.set(SCREENED_INTENT, message.get(INTENT), add_to_output=True)
        message.set(INTENT, {"name": INTENT_FOR_LEVEL[level], "confidence": 1.0},
                    add_to_output=True)
        entity = {"entity": SUMMARY_ENTITY, "value": summarise(findings, level),
                  "start": findings[0].start, "end": findings[0].end,
                  "confidence_entity": 1.0, "extractor": self.__class__.__name__}
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
