"""The call-back offer after emergency or urgent advice on the web (domain/callback.yml).

`offer` is called by action_record_escalation once the advice has been given: on the
channels of CALLBACK_OFFER_CHANNELS (settings.py; the web widget's socket.io) and once per
conversation, it adds the offer. The patient's "Yes" starts callback_form, which asks for a
number (a polite re-ask when it is not a valid Indian number; "no" ends it);
action_save_callback then records the consent to the offer's notice (`consents`, purpose
"callback") and the number (`callback_requests`, tables.py) for the console's worklist. A
"No" stores nothing about the patient.
"""

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import insert, inspect

from actions import consent
from actions.phone import normalise_indian_phone
from actions.store import engine_for
from contract import SLOT_ESCALATION_LEVEL, SLOT_LANGUAGE, SLOT_STAFF_TAKEOVER
from settings import database_url, value
from tables import callback_requests

logger = logging.getLogger(__name__)
SLOT_OFFER, SLOT_PHONE = "callback_offer", "callback_phone"
OFFERED, GIVEN, DECLINED = "offered", "given", "declined"
PURPOSE_CALLBACK = "callback"
NO_INTENTS = {"deny", "cancel"}


def offer_channels(environ=None) -> List[str]:
    return value("CALLBACK_OFFER_CHANNELS", environ).replace(",", " ").split()


def offer(dispatcher: CollectingDispatcher, tracker: Tracker, environ=None) -> List[Dict[str, Any]]:
    """The offer's message and slot, when this conversation may get one: not while a form
    goes on after urgent advice (its next question's Yes / No buttons would take the
    offer's answer as their own) and not while a member of staff has taken over."""
    channel = tracker.get_latest_input_channel() or ""
    if tracker.get_slot(SLOT_OFFER) or channel not in offer_channels(environ):
        return []
    if tracker.active_loop_name or tracker.get_slot(SLOT_STAFF_TAKEOVER):
        return []
    dispatcher.utter_message(response="utter_offer_callback")
    return [SlotSet(SLOT_OFFER, OFFERED)]


def save_callback(fields: Dict[str, Any], url: Optional[str] = None) -> int:
    """Insert a call-back request and return its id (the table must exist)."""
    engine = engine_for(url or database_url())
    if not inspect(engine).has_table("callback_requests"):
        raise consent.ConsentTableMissing("callback_requests is missing: run python -m tables")
    row = {**fields, "created_at": datetime.now(timezone.utc)}
    with engine.begin() as connection:
        return int(
            connection.execute(insert(callback_requests).values(**row)).inserted_primary_key[0]
        )


class ValidateCallbackForm(FormValidationAction):
    """Checks the number; "no" (or cancel) ends the form without one."""

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if tracker.get_slot(SLOT_OFFER) == DECLINED:
            return []
        return domain_slots

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if value is None:
            return {SLOT_PHONE: None}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        phone = normalise_indian_phone(str(value))
        if phone is None and intent in NO_INTENTS:
            return {SLOT_PHONE: None, SLOT_OFFER: DECLINED}
        if phone is None:
            dispatcher.utter_message(response="utter_callback_phone_invalid")
        return {SLOT_PHONE: phone}


class ActionSaveCallback(Action):
    """Records the consent and the number, or the patient's "no" (nothing stored)."""

    def name(self) -> str:
        return "action_save_callback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        phone = tracker.get_slot(SLOT_PHONE)
        if not phone:
            dispatcher.utter_message(response="utter_callback_declined")
            return [SlotSet(SLOT_OFFER, DECLINED)]
        channel = tracker.get_latest_input_channel() or ""
        language = tracker.get_slot(SLOT_LANGUAGE) or "en"
        try:
            consent_id = consent.record(
                tracker.sender_id,
                channel,
                language,
                bool(tracker.get_slot("for_child")),
                purpose=PURPOSE_CALLBACK,
            )
            save_callback(
                {
                    "sender_id": tracker.sender_id,
                    "channel": channel[:64],
                    "phone": phone,
                    "language": language[:16],
                    "level": tracker.get_slot(SLOT_ESCALATION_LEVEL),
                    "consent_id": consent_id,
                }
            )
        except Exception as error:  # the type only: the row holds the number
            logger.error("call-back request not saved: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_callback_not_saved")
            return [SlotSet(SLOT_PHONE, None), SlotSet(SLOT_OFFER, DECLINED)]
        dispatcher.utter_message(response="utter_callback_saved")
        return [SlotSet(SLOT_OFFER, GIVEN)]
