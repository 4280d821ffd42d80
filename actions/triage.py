"""The symptom-triage form's actions: reading the answers, and giving the result.

`validate_triage_form` fills the questions (actions/triage_answers.py) and picks the next
one (actions/triage_rules.py); `action_triage_result` gives the level with its reason,
next steps and warning signs, in the patient's language, and records escalations;
`action_triage_late_answer` handles a tap on a triage button after the form has ended.
"""

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.escalation import escalation_events
from actions.triage_answers import read_reply, tapped_answer
from actions.triage_questions import TRIAGE_SLOTS
from actions.triage_rules import RANK, Decision, decision, required_slots
from contract import (
    DEFAULT_LANGUAGE,
    EMERGENCY,
    LANGUAGES,
    ROUTINE,
    SLOT_EMERGENCY_ACTIVE,
    SLOT_LANGUAGE,
    SLOT_SUMMARY,
    URGENT,
)

REQUESTED_SLOT = "requested_slot"
RESULT_RESPONSES = {URGENT: "utter_triage_urgent", ROUTINE: "utter_triage_routine"}
SELF_CARE_RESPONSE = "utter_triage_self_care"


def answers(tracker: Tracker) -> Dict[str, Optional[str]]:
    return {slot: tracker.get_slot(slot) for slot in TRIAGE_SLOTS}


def language(tracker: Tracker) -> str:
    value = tracker.get_slot(SLOT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def reply_events(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
    """Slot events for the latest message; says so when it is not an answer."""
    requested = tracker.get_slot(REQUESTED_SLOT)
    if requested is None:  # the form starts: answers of an earlier, unfinished run are dropped
        return [SlotSet(slot, None) for slot in TRIAGE_SLOTS if tracker.get_slot(slot) is not None]
    reply = read_reply(tracker.latest_message or {}, requested)
    if reply.kind == "answer":
        return [SlotSet(reply.slot, reply.value)]
    if reply.kind == "unclear":
        dispatcher.utter_message(response="utter_unclear_answer")
        return [SlotSet(requested, None)]
    if reply.kind == "earlier" and reply.slot is not None:  # an earlier answer names its slot
        before = answers(tracker)
        after = {**before, reply.slot: reply.value}
        level_before, level_after = decision(before).level, decision(after).level
        if RANK[level_after] < RANK[level_before]:
            # the more urgent answer stands: a later "No" never cancels a warning sign
            dispatcher.utter_message(response="utter_triage_answer_kept")
            return [SlotSet(reply.slot, before[reply.slot])]
        if before[reply.slot] != reply.value and level_after != EMERGENCY:
            # (an emergency answer ends the form: its advice comes first, nothing before it)
            dispatcher.utter_message(response="utter_triage_answer_updated")
        return [SlotSet(reply.slot, reply.value)]
    return []


class ValidateTriageForm(FormValidationAction):
    """Fills the answer the latest message gives, and asks the next question worth asking."""

    def name(self) -> str:
        return "validate_triage_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        return required_slots(answers(tracker))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        events = reply_events(dispatcher, tracker)
        given = {**answers(tracker), **{e["name"]: e["value"] for e in events}}
        next_question = next((s for s in required_slots(given) if given.get(s) is None), None)
        # With no answer events Rasa hands the message to the dialogue rules (an FAQ, cancel, ...).
        return events + [SlotSet(REQUESTED_SLOT, next_question)]


async def result_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, result: Decision
) -> List[Dict[str, Any]]:
    """Says the result of `result` in the patient's language; the slot and escalation events."""
    reason = "; ".join(result.reasons(language(tracker)))
    categories = [f"triage: {reason}" for reason in result.reasons("en")]
    events: List[Dict[str, Any]] = [
        SlotSet("triage_level", result.level),
        SlotSet("triage_reason", reason or None),
    ]
    if result.level == EMERGENCY:
        dispatcher.utter_message(response="utter_emergency_advice", red_flag_summary=reason)
        dispatcher.utter_message(response="utter_triage_next_steps_emergency")
        events += [SlotSet(SLOT_EMERGENCY_ACTIVE, True), SlotSet(SLOT_SUMMARY, reason)]
    else:
        dispatcher.utter_message(
            response=RESULT_RESPONSES.get(result.level, SELF_CARE_RESPONSE), triage_reason=reason
        )
    if result.level in (EMERGENCY, URGENT):
        events += await escalation_events(tracker, result.level, categories)
    return events


class ActionTriageResult(Action):
    """Gives the triage level with its reason and next steps, and records escalations."""

    def name(self) -> str:
        return "action_triage_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        events = await result_events(dispatcher, tracker, decision(answers(tracker)))
        return events + [SlotSet(slot, None) for slot in TRIAGE_SLOTS]


class ActionTriageLateAnswer(Action):
    """A triage button tapped after its form ended: a warning sign still escalates."""

    def name(self) -> str:
        return "action_triage_late_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        slot, value = tapped_answer(tracker.latest_message or {}) or (None, None)
        result = decision({slot: value}) if slot else None
        if tracker.get_slot(SLOT_EMERGENCY_ACTIVE):
            dispatcher.utter_message(response="utter_emergency_reminder")
            return []
        if result is None or result.level not in (EMERGENCY, URGENT):
            dispatcher.utter_message(response="utter_triage_late_answer")
            return []
        return await result_events(dispatcher, tracker, result)
