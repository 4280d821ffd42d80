"""Response generation that fills in the practice's settings.

Runs inside the Rasa server (endpoints.yml `nlg.type`), so emergency advice
carries the configured emergency number even when the action server is down.

Button payloads are not templates: a payload such as `/inform{"tr_severity": "severe"}`
is an intent with its entities, written in the domain as the patient's tap sends it.
Rasa's templating reads its braces as a placeholder, fails to fill it and logs an ERROR
for every such button it renders (and then sends the payload unchanged). PracticeNLG
fills every part of a response except the payloads, which it leaves as written.
"""
from typing import Any, Dict, List, Optional, Tuple

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.settings import practice

BUTTON_KEYS = ("buttons", "quick_replies")


class PracticeNLG(TemplatedNaturalLanguageGenerator):
    """Domain responses, with `{practice_name}`, `{emergency_number}`, ... filled in."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None, **kwargs: Any) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.values = practice().template_values()

    async def generate(self, utter_action: str, tracker: DialogueStateTracker,
                       output_channel: str, **kwargs: Any) -> Optional[Dict[str, Any]]:
        return await super().generate(
            utter_action, tracker, output_channel, **{**self.values, **kwargs})

    def _fill_response(self, response: Dict[str, Any], filled_slots: Dict[str, Any],
                       **kwargs: Any) -> Dict[str, Any]:
        """Rasa's filling, with the button payloads set aside and put back as written
        (assistant/rasa_patches.py pins the method this overrides)."""
        held: List[Tuple[str, int, Any]] = []
        for key in BUTTON_KEYS:
            for index, button in enumerate(response.get(key) or []):
                if isinstance(button, dict) and "payload" in button:
                    held.append((key, index, button.pop("payload")))
        filled: Dict[str, Any] = super()._fill_response(response, filled_slots, **kwargs)
        for key, index, payload in held:
            filled[key][index]["payload"] = payload
        return filled
