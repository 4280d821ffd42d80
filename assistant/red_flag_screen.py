"""Rasa NLU component that screens every patient message for red flags.

It runs last in the pipeline, after intent classification, on every message (a
button's exact payload is unpacked by Rasa before the pipeline and never reaches it;
anything else that starts with "/" is screened like any text). Every parse result gets
`red_flags`: a list of {"category", "level", "text", "certainty"} (empty when nothing
is found). A confirmed EMERGENCY makes the intent `red_flag_emergency`, a possible one
`red_flag_possible`, a confirmed URGENT one `red_flag_urgent`, a possible one
`red_flag_urgent_possible` (the classifier's intent is kept as `screened_intent`; a
form's free-text slot never takes a message with a red-flag intent), and a
`red_flag_summary` entity carries the finding in plain words. The message is analysed
once, here: `red_flag_context` carries the clinical facts and signs that count only in
combination, which assistant/red_flag_policy.py combines with the conversation's
earlier facts before it answers inside the Rasa server;
`red_flags_cancelled` lists the red-flag concepts the message's own words cancelled
(denied, resolved, "all fine now"), for the console's safety review.
"""

from typing import List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.screen_component import ScreenComponent
from contract import (
    CONFIRMED,
    EMERGENCY,
    INTENT_EMERGENCY,
    INTENT_POSSIBLE,
    INTENT_URGENT,
    INTENT_URGENT_POSSIBLE,
    RED_FLAG_CONTEXT,
    RED_FLAGS,
    RED_FLAGS_CANCELLED,
    SCREENED_INTENT,
    SUMMARY_ENTITY,
    URGENT,
)
from redflags import Finding, RedFlagDetector, summarise
from redflags.conversation import published


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagScreen(ScreenComponent):
    """Deterministic red-flag screen (rules in redflags/patterns.yml)."""

    def __init__(self, detector: Optional[RedFlagDetector] = None) -> None:
        self.detector = detector or RedFlagDetector.shared()

    def screen(self, message: Message) -> None:
        """Add `red_flags` (and the context keys) to the message and, on a finding,
        re-route its intent."""
        analysis = self.detector.examine(message.get(TEXT) or "")
        findings = analysis.findings
        message.set(RED_FLAGS, [f.as_dict() for f in findings], add_to_output=True)
        message.set(RED_FLAG_CONTEXT, published(analysis), add_to_output=True)
        cancelled = [c.as_dict() for c in analysis.cancelled]
        message.set(RED_FLAGS_CANCELLED, cancelled, add_to_output=True)
        intent, chosen = route(findings)
        if intent is None:
            return
        message.set(SCREENED_INTENT, message.get(INTENT), add_to_output=True)
        message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        entity = {
            "entity": SUMMARY_ENTITY,
            "value": summarise(chosen, detector=self.detector),
            "start": chosen[0].start,
            "end": chosen[0].end,
            "confidence_entity": 1.0,
            "extractor": self.__class__.__name__,
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)


def route(findings: List[Finding]) -> Tuple[Optional[str], List[Finding]]:
    """The red-flag intent for these findings, and the findings it is about."""
    for level, certainty, intent in (
        (EMERGENCY, CONFIRMED, INTENT_EMERGENCY),
        (EMERGENCY, None, INTENT_POSSIBLE),
        (URGENT, CONFIRMED, INTENT_URGENT),
        (URGENT, None, INTENT_URGENT_POSSIBLE),
    ):
        chosen = [
            f
            for f in findings
            if f.level == level and (certainty is None or f.certainty == certainty)
        ]
        if chosen:
            return intent, chosen
    return None, []
