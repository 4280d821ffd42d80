"""The chat's privacy steps: the notice before the appointment form, a child's guardian,
and erasure on the patient's request (domain/privacy.yml)."""

import asyncio
import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import consent, erasure
from contract import SLOT_DATA_ERASED

logger = logging.getLogger(__name__)

# privacy_consent values once the answer is checked
GIVEN_BY_PATIENT, GIVEN_BY_GUARDIAN, DECLINED = "patient", "guardian", "declined"


def record_consent(tracker: Tracker) -> str:
    """Store the consent of this conversation; returns who gave it (patient, guardian)."""
    for_child = bool(tracker.get_slot("for_child"))
    consent.record(
        tracker.sender_id,
        tracker.get_latest_input_channel() or "",
        tracker.get_slot("language") or "en",
        for_child,
    )
    return GIVEN_BY_GUARDIAN if for_child else GIVEN_BY_PATIENT


def check_consent(value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
    """The appointment form's privacy_consent: recorded when given, never stored when not."""
    if value in (GIVEN_BY_PATIENT, GIVEN_BY_GUARDIAN, DECLINED):
        return {"privacy_consent": value}
    if value != "yes":
        return {"privacy_consent": DECLINED}
    try:
        return {"privacy_consent": record_consent(tracker)}
    except Exception as error:  # no details without a recorded consent
        logger.error("consent not recorded: %s", type(error).__name__)
        dispatcher.utter_message(response="utter_consent_not_recorded")
        return {"privacy_consent": DECLINED}


class ActionAskPrivacyConsent(Action):
    """The notice: the guardian's version once the patient said they write for a child."""

    def name(self) -> str:
        return "action_ask_privacy_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        child = bool(tracker.get_slot("for_child"))
        dispatcher.utter_message(
            response="utter_privacy_notice_child" if child else "utter_privacy_notice"
        )
        return []


class ActionNoteChild(Action):
    """ "This is for my child": a parent's or guardian's consent is needed, asked again if
    the patient had agreed for themselves."""

    def name(self) -> str:
        return "action_note_child"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response="utter_for_child_noted")
        events: List[Dict[str, Any]] = [SlotSet("for_child", True)]
        if tracker.get_slot("privacy_consent") == GIVEN_BY_PATIENT:
            events.append(SlotSet("privacy_consent", None))
        return events


class ActionErasePatientData(Action):
    """After the erasure form: erase this conversation when confirmed."""

    def name(self) -> str:
        return "action_erase_patient_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if not tracker.get_slot("erasure_confirmed"):
            dispatcher.utter_message(response="utter_erasure_kept")
            return [SlotSet("erasure_confirmed", None)]
        try:  # Django's database calls must not run on the server's event loop
            counts = await asyncio.to_thread(erasure.erase_conversation, tracker.sender_id)
        except Exception as error:
            logger.error("erasure on the patient's request failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_erasure_failed")
            return [SlotSet("erasure_confirmed", None)]
        logger.info("erasure on the patient's request: %s", counts)
        dispatcher.utter_message(response="utter_data_erased")
        return [SlotSet(SLOT_DATA_ERASED, True)]
