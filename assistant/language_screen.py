"""Rasa NLU component that tells the language of every patient message.

It runs after the classifiers and before the red-flag screen (which stays last). Every
parse result gets `language_detection` ({"script", "detected", "switch"}, see
assistant/language.py). When the message shows its language clearly, a `language` entity
carries it (en, hi or hinglish), and the `language` slot follows it through its
`from_entity` mapping (domain/language.yml), inside the Rasa server. A message that cannot
tell ("ok", "yes", a name, a number) carries no entity, so the conversation keeps its
language. An explicit request ("Hindi mein baat karo", "English please") also becomes the
`set_language` intent, which the dialogue acknowledges in the new language.
"""

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.language import LanguageDetector
from assistant.screen_component import ScreenComponent
from contract import INTENT_SET_LANGUAGE, LANGUAGE_ENTITY, LANGUAGE_KEY


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageScreen(ScreenComponent):
    """Script and lexicon rules (assistant/language_lexicon.yml); nothing to train."""

    def __init__(self, detector: Optional[LanguageDetector] = None) -> None:
        self.detector = detector or LanguageDetector.shared()

    def screen(self, message: Message) -> None:
        """Adds the detection, the `language` entity and, on a request, `set_language`."""
        text = message.get(TEXT) or ""
        detection = self.detector.detect(text)
        message.set(LANGUAGE_KEY, detection.as_dict(), add_to_output=True)
        if not detection.language:
            return
        entity = {
            "entity": LANGUAGE_ENTITY,
            "value": detection.language,
            "start": 0,
            "end": len(text),
            "confidence_entity": 1.0,
            "extractor": self.__class__.__name__,
        }
        message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        if detection.switch:
            intent = {"name": INTENT_SET_LANGUAGE, "confidence": 1.0}
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get("name") != INTENT_SET_LANGUAGE
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
