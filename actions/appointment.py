"""The appointment request form: validation and submission.

Its first slot is the privacy consent (actions/privacy.py): no name or number is asked
before the patient agreed to the notice, and a refusal ends the form with nothing kept.
"""

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import store
from actions.phone import normalise_indian_phone
from actions.privacy import DECLINED, check_consent

logger = logging.getLogger(__name__)
MAX_LENGTH = {"patient_name": 100, "preferred_time": 150, "visit_reason": 500}
FORM_SLOTS = ["patient_name", "phone", "preferred_time", "visit_reason", "appointment_confirmed"]


def clean_text(value: Any, limit: int) -> str:
    """Collapse white space and cut to `limit` characters."""
    return " ".join(str(value or "").split())[:limit]


class ValidateAppointmentForm(FormValidationAction):
    """Checks each answer of the appointment form."""

    def name(self) -> str:
        return "validate_appointment_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        """Nothing after the privacy notice when the patient declined it."""
        if tracker.get_slot("privacy_consent") == DECLINED:
            return ["privacy_consent"]
        return domain_slots

    def validate_privacy_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if value is None:
            return {"privacy_consent": None}
        return check_consent(value, dispatcher, tracker)

    def _text(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> Dict[str, Any]:
        if value is None:
            return {slot: None}
        text = clean_text(value, MAX_LENGTH[slot])
        if len(text) < 2:
            dispatcher.utter_message(response="utter_unclear_answer")
            return {slot: None}
        return {slot: text}

    def validate_patient_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._text("patient_name", value, dispatcher)

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if value is None:
            return {"phone": None}
        phone = normalise_indian_phone(str(value))
        if phone is None:
            dispatcher.utter_message(response="utter_invalid_phone")
        return {"phone": phone}

    def validate_preferred_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._text("preferred_time", value, dispatcher)

    def validate_visit_reason(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._text("visit_reason", value, dispatcher)


class ActionSubmitAppointment(Action):
    """Saves a confirmed request; a declined one is dropped. Clears the form either way."""

    def name(self) -> str:
        return "action_submit_appointment"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if tracker.get_slot("privacy_consent") == DECLINED:  # nothing was collected
            dispatcher.utter_message(response="utter_privacy_declined")
            return [*clear, SlotSet("privacy_consent", None), SlotSet("appointment_saved", False)]
        if not tracker.get_slot("appointment_confirmed"):
            dispatcher.utter_message(response="utter_appointment_discarded")
            return [*clear, SlotSet("appointment_saved", False)]
        fields = {
            "sender_id": tracker.sender_id,
            "channel": (tracker.get_latest_input_channel() or "")[:64],
            "patient_name": tracker.get_slot("patient_name"),
            "phone": tracker.get_slot("phone"),
            "preferred_time": tracker.get_slot("preferred_time"),
            "reason": tracker.get_slot("visit_reason"),
        }
        try:
            store.save_request(fields)
        except Exception as error:  # the patient must hear that it failed, never a silent loss
            # the type only: a database error's text carries the row (name, phone)
            logger.error("could not save an appointment request: %s", type(error).__name__)
            logger.debug("appointment request failure", exc_info=True)
            dispatcher.utter_message(response="utter_appointment_failed")
            return [SlotSet("appointment_saved", False)]
        dispatcher.utter_message(response="utter_appointment_saved", phone=fields["phone"])
        return [*clear, SlotSet("appointment_saved", True)]
