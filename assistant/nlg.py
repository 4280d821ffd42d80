"""Response generation that fills in the practice's settings.

Runs inside the Rasa server (endpoints.yml `nlg.type`), so emergency advice
carries the configured emergency number even when the action server is down.
The server builds its NLG once at start, which is also where the faster check of
the action server's replies (assistant/action_reply_check.py) is switched on.
"""
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant import action_reply_check
from assistant.settings import practice


class PracticeNLG(TemplatedNaturalLanguageGenerator):
    """Domain responses, with `{practice_name}`, `{emergency_number}`, ... filled in."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None, **kwargs: Any) -> None:
        super().__init__((domain or Domain.empty()).responses)
        self.values = practice().template_values()
        action_reply_check.install()

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker,
                       output_channel: Text, **kwargs: Any) -> Optional[Dict[Text, Any]]:
        return await super().generate(
            utter_action, tracker, output_channel, **{**self.values, **kwargs})
