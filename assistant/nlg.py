"""Response generation in the conversation's language, with the practice's settings.

Runs inside the Rasa server (endpoints.yml `nlg.type`), so emergency advice carries the
configured emergency number even when the action server is down. Rasa's conditional
response variations pick the version: the English one has no condition, the Hindi and
Hinglish ones a condition on the `language` slot (see tests/assistant/test_responses.py).
On top of Rasa's templated NLG this fills in the practice's settings in the
conversation's language and in the form the channel can tap (assistant/contact_values.py),
keeps only the candidate topics' buttons on the "Did you mean ...?" choice, and tells the
channel the reply's language (`language` in the bot message, e.g. for the widget's labels)
so the WhatsApp channels can add their own words in it (assistant/channel_labels.py).
The server builds its NLG once at start, which is also where the faster check of the
action server's replies (assistant/action_reply_check.py) is switched on.
"""
import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant import action_reply_check
from assistant import channel_labels
from assistant.contact_values import WHATSAPP, all_contact_values, channel_kind
from assistant.settings import practice
from contract import (DEFAULT_LANGUAGE, FAQ_CANDIDATES, LANGUAGES, SLOT_LANGUAGE,
                      TOPIC_PAYLOAD_PREFIX)

logger = logging.getLogger(__name__)
CHOICE_RESPONSE = "utter_faq_did_you_mean"


def conversation_language(tracker: DialogueStateTracker) -> str:
    language = tracker.slots[SLOT_LANGUAGE].value if SLOT_LANGUAGE in tracker.slots else None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def candidate_buttons(message: Dict[Text, Any], tracker: DialogueStateTracker) -> None:
    """Keeps the buttons of the topics the selector hesitated between, best first."""
    latest = tracker.latest_message
    candidates = (latest.parse_data.get(FAQ_CANDIDATES) if latest else None) or []
    wanted = [f"{TOPIC_PAYLOAD_PREFIX}{c['topic']}" for c in candidates]
    if not wanted:
        return
    by_payload = {b.get("payload"): b for b in message.get("buttons") or []}
    message["buttons"] = [by_payload[p] for p in wanted if p in by_payload]


class PracticeNLG(TemplatedNaturalLanguageGenerator):
    """Domain responses in the conversation's language, with the practice's settings."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 domain: Optional[Domain] = None, **kwargs: Any) -> None:
        settings = practice()
        self.values = all_contact_values(settings)
        super().__init__((domain or Domain.empty()).responses)
        if settings.missing():
            logger.warning("Contact settings still at their example values (set them in the "
                           "environment, see .env.example): %s", ", ".join(settings.missing()))
        action_reply_check.install()

    @property
    def responses(self) -> Dict[Text, Any]:
        return self._responses

    @responses.setter
    def responses(self, responses: Dict[Text, Any]) -> None:
        """Rasa builds the NLG before loading the model, then hands it the model's responses
        (Agent.load_model): the channels' words are rendered whenever they arrive."""
        self._responses = responses
        if responses:
            channel_labels.keep(channel_labels.render_labels(self, self.values, WHATSAPP))

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker,
                       output_channel: Text, **kwargs: Any) -> Optional[Dict[Text, Any]]:
        language = conversation_language(tracker)
        values = self.values[(language, channel_kind(output_channel))]
        message = await super().generate(
            utter_action, tracker, output_channel, **{**values, **kwargs})
        if message is None:
            return None
        if utter_action == CHOICE_RESPONSE:
            candidate_buttons(message, tracker)
        message[SLOT_LANGUAGE] = language
        return message
