"""Response generation in the conversation's language, with the practice's settings.

Runs inside the Rasa server (endpoints.yml `nlg.type`), so emergency advice carries the
configured emergency number even when the action server is down. Rasa's conditional
response variations pick the version: the English one has no condition, the Hindi and
Hinglish ones a condition on the `language` slot (see tests/assistant/test_responses.py).
On top of Rasa's templated NLG this fills in the practice's settings in the
conversation's language and in the form the channel can tap (assistant/contact_values.py),
gives the red-flag summary ("You mentioned {red_flag_summary}") in the reply's language
even when the sign was named in another one (a code-mixed message, a switch of language,
the reminder in a later session), keeps only the candidate topics' buttons on the
"Did you mean ...?" choice, and tells the
channel the reply's language (`language` in the bot message, e.g. for the widget's labels)
so the WhatsApp channels can add their own words in it (assistant/channel_labels.py).

Button payloads are not templates: a payload such as `/inform{"tr_severity": "severe"}`
is an intent with its entities, written in the domain as the patient's tap sends it.
Rasa's templating reads its braces as a placeholder, fails to fill it and logs an ERROR
for every such button it renders (and then sends the payload unchanged). PracticeNLG
fills every part of a response except the payloads, which it leaves as written.
"""

import logging
from typing import Any, Dict, List, Optional, Tuple

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant import channel_labels
from assistant.contact_values import WHATSAPP, all_contact_values, channel_kind
from assistant.settings import practice
from contract import (
    DEFAULT_LANGUAGE,
    FAQ_CANDIDATES,
    LANGUAGES,
    SLOT_LANGUAGE,
    SLOT_SUMMARY,
    SLOT_SUMMARY_VERSIONS,
    TOPIC_PAYLOAD_PREFIX,
)

logger = logging.getLogger(__name__)
CHOICE_RESPONSE = "utter_faq_did_you_mean"
UNNAMED_SIGN_RESPONSE = "utter_red_flag_unnamed"
SUMMARY_PLACEHOLDER = "{" + SLOT_SUMMARY + "}"
# On WhatsApp goodbye ends with a one-tap rating of the conversation (domain/feedback.yml).
RATED_RESPONSES = frozenset({"utter_goodbye"})
RATING_RESPONSE = "utter_ask_rating"
BUTTON_KEYS = ("buttons", "quick_replies")


def conversation_language(tracker: DialogueStateTracker) -> str:
    language = tracker.slots[SLOT_LANGUAGE].value if SLOT_LANGUAGE in tracker.slots else None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def slot_value(tracker: DialogueStateTracker, name: str) -> Any:
    return tracker.slots[name].value if name in tracker.slots else None


def summary_versions(tracker: DialogueStateTracker) -> Dict[str, str]:
    """The red-flag summary's versions, when they belong to the summary the slot holds (an
    action may set the slot alone, e.g. the triage result's reason)."""
    versions = slot_value(tracker, SLOT_SUMMARY_VERSIONS)
    summary = slot_value(tracker, SLOT_SUMMARY)
    if isinstance(versions, dict) and summary in versions.values():
        return versions
    return {}


def candidate_buttons(message: Dict[str, Any], tracker: DialogueStateTracker) -> None:
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

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
        **kwargs: Any,
    ) -> None:
        settings = practice()
        self.values = all_contact_values(settings)
        super().__init__((domain or Domain.empty()).responses)
        if settings.missing():
            logger.warning(
                "Contact settings still at their example values (set them in the "
                "environment, see .env.example): %s",
                ", ".join(settings.missing()),
            )

    @property
    def responses(self) -> Dict[str, Any]:
        return self._responses

    @responses.setter
    def responses(self, responses: Dict[str, Any]) -> None:
        """Rasa builds the NLG before loading the model, then hands it the model's responses
        (Agent.load_model, pinned in assistant/rasa_patches.py): the channels' words are
        rendered whenever they arrive."""
        self._responses = responses
        if responses:
            channel_labels.keep(channel_labels.render_labels(self, self.values, WHATSAPP))

    async def generate(
        self, utter_action: str, tracker: DialogueStateTracker, output_channel: str, **kwargs: Any
    ) -> Optional[Dict[str, Any]]:
        language = conversation_language(tracker)
        values = self.values[(language, channel_kind(output_channel))]
        summary = (
            await self.summary_in(language, tracker, output_channel)
            if self.names_the_sign(utter_action)
            else {}
        )
        message = await super().generate(
            utter_action, tracker, output_channel, **{**values, **summary, **kwargs}
        )
        if message is None:
            return None
        if utter_action == CHOICE_RESPONSE:
            candidate_buttons(message, tracker)
        if utter_action in RATED_RESPONSES and channel_kind(output_channel) == WHATSAPP:
            await self._add_rating(message, tracker, output_channel, values, kwargs)
        message[SLOT_LANGUAGE] = language
        return message

    def names_the_sign(self, utter_action: str) -> bool:
        """Whether the response says {red_flag_summary} (only the red-flag answers do)."""
        variations = self.responses.get(utter_action) or []
        return any(SUMMARY_PLACEHOLDER in (v.get("text") or "") for v in variations)

    async def summary_in(
        self, language: str, tracker: DialogueStateTracker, output_channel: str
    ) -> Dict[str, str]:
        """{red_flag_summary} in `language`: its version in that language, or the words
        for an unnamed sign when the slot still holds its initial (English) value."""
        versions = summary_versions(tracker)
        if versions.get(language):
            return {SLOT_SUMMARY: versions[language]}
        slot = tracker.slots.get(SLOT_SUMMARY)
        if slot is not None and slot.value == slot.initial_value and not versions:
            unnamed = await super().generate(UNNAMED_SIGN_RESPONSE, tracker, output_channel)
            if unnamed and unnamed.get("text"):
                return {SLOT_SUMMARY: unnamed["text"]}
        return {}

    async def _add_rating(
        self,
        message: Dict[str, Any],
        tracker: DialogueStateTracker,
        output_channel: str,
        values: Dict[str, Any],
        kwargs: Dict[str, Any],
    ) -> None:
        """The rating question and its two buttons under the message."""
        rating = await super().generate(
            RATING_RESPONSE, tracker, output_channel, **{**values, **kwargs}
        )
        if rating and not message.get("buttons"):
            message["text"] = f"{message.get('text') or ''}\n\n{rating['text']}".strip()
            message["buttons"] = rating.get("buttons") or []

    def _fill_response(
        self, response: Dict[str, Any], filled_slots: Dict[str, Any], **kwargs: Any
    ) -> Dict[str, Any]:
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
