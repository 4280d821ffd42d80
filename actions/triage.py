"""The symptom-triage form: which questions to ask, answer checks, and the result."""
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.escalation import escalation_events
from actions.triage_rules import CARE_HELPED, DURATION, SEVERITY, classify, decide, required_slots

TRIAGE_SLOTS = [
    "tr_bladder", "tr_bowel", "tr_saddle", "tr_leg_weakness", "tr_leg_pain", "tr_both_legs",
    "tr_recent_procedure", "tr_chest", "tr_wound", "tr_fever", "tr_cancer", "tr_injury",
    "tr_serious_injury", "tr_osteoporosis", "tr_duration", "tr_severity", "tr_care_helped",
]


def answers(tracker: Tracker) -> Dict[str, Optional[str]]:
    return {slot: tracker.get_slot(slot) for slot in TRIAGE_SLOTS}


class ValidateTriageForm(FormValidationAction):
    """Orders the questions and turns free-text answers into categories."""

    def name(self) -> Text:
        return "validate_triage_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return required_slots(answers(tracker))

    @staticmethod
    def _category(slot: str, value: Any, table, dispatcher: CollectingDispatcher,
                  tracker: Tracker) -> Dict[Text, Any]:
        """A button's entity if it carries one, else the typed words, as a category."""
        if value is None:
            return {slot: None}
        entities = (tracker.latest_message or {}).get("entities") or []
        chosen = next((e.get("value") for e in entities if e.get("entity") == slot), None)
        if chosen in {category for category, _ in table}:
            return {slot: chosen}
        category = classify(str(value), table)
        if category is None:
            dispatcher.utter_message(response="utter_unclear_answer")
        return {slot: category}

    def validate_tr_duration(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._category("tr_duration", value, DURATION, dispatcher, tracker)

    def validate_tr_severity(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._category("tr_severity", value, SEVERITY, dispatcher, tracker)

    def validate_tr_care_helped(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return self._category("tr_care_helped", value, CARE_HELPED, dispatcher, tracker)


class ActionTriageResult(Action):
    """Gives the triage level with its reason and next step, and records escalations."""

    def name(self) -> Text:
        return "action_triage_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        level, reasons = decide(answers(tracker))
        reason = "; ".join(reasons)
        events: List[Dict[Text, Any]] = [SlotSet("triage_level", level),
                                         SlotSet("triage_reason", reason or None)]
        if level == "EMERGENCY":
            dispatcher.utter_message(response="utter_emergency_advice", red_flag_summary=reason)
            events += [SlotSet("emergency_active", True), SlotSet("red_flag_summary", reason)]
            events += await escalation_events(tracker, level, [f"triage: {r}" for r in reasons])
        elif level == "URGENT":
            dispatcher.utter_message(response="utter_triage_urgent", triage_reason=reason)
            events += await escalation_events(tracker, level, [f"triage: {r}" for r in reasons])
        elif level == "ROUTINE":
            dispatcher.utter_message(response="utter_triage_routine", triage_reason=reason)
        else:
            dispatcher.utter_message(response="utter_triage_self_care")
        return events + [SlotSet(slot, None) for slot in TRIAGE_SLOTS]
