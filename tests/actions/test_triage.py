import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.triage import TRIAGE_SLOTS, ActionTriageResult, ValidateTriageForm
from tests.conftest import load_tracker, run_action, slot_events

NO_FLAGS = {"tr_bladder": "no", "tr_bowel": "no", "tr_saddle": "no", "tr_leg_weakness": "no",
            "tr_leg_pain": "no", "tr_recent_procedure": "no", "tr_fever": "no", "tr_cancer": "no",
            "tr_injury": "no", "tr_osteoporosis": "no", "tr_duration": "over_3_months",
            "tr_severity": "severe", "tr_care_helped": "no"}


def result(**answers):
    events, said = run_action(ActionTriageResult(), load_tracker("faq_message", **answers))
    return slot_events(events), [m["response"] for m in said], said


def test_routine_result_offers_an_appointment_and_clears_the_answers():
    slots, responses, said = result(**NO_FLAGS)
    assert slots["triage_level"] == "ROUTINE" and responses == ["utter_triage_routine"]
    assert "severe pain" in said[0]["triage_reason"]
    assert all(slots[slot] is None for slot in TRIAGE_SLOTS)
    assert "escalation_level" not in slots


def test_self_care_result():
    slots, responses, _ = result(**{**NO_FLAGS, "tr_severity": "mild", "tr_care_helped": "yes"})
    assert (slots["triage_level"], responses) == ("SELF_CARE", ["utter_triage_self_care"])


def test_urgent_result_is_recorded_as_an_escalation():
    slots, responses, _ = result(**{**NO_FLAGS, "tr_fever": "unsure"})
    assert (slots["triage_level"], responses) == ("URGENT", ["utter_triage_urgent"])
    assert slots["escalation_level"] == "URGENT"
    assert slots["escalation_categories"] == ["triage: fever with back pain"]


def test_emergency_result_gives_the_emergency_advice_and_keeps_the_session_safe():
    slots, responses, said = result(tr_saddle="yes")
    assert responses == ["utter_emergency_advice"]
    assert said[0]["red_flag_summary"] == "numbness around the genitals or bottom"
    assert slots["emergency_active"] is True and slots["escalation_level"] == "EMERGENCY"


def test_form_asks_only_what_is_needed():
    form = ValidateTriageForm()
    tracker = load_tracker("faq_message", tr_bladder="no", tr_bowel="unsure")
    slots = asyncio.run(form.required_slots([], CollectingDispatcher(), tracker, {}))
    assert slots == ["tr_bladder", "tr_bowel"]


def test_free_text_answer_is_turned_into_a_category():
    dispatcher, tracker = CollectingDispatcher(), load_tracker("faq_message")
    assert ValidateTriageForm().validate_tr_duration("3 hafte se", dispatcher, tracker, {}) == {
        "tr_duration": "under_6_weeks"}
    assert ValidateTriageForm().validate_tr_severity("purple", dispatcher, tracker, {}) == {
        "tr_severity": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_unclear_answer"]


def test_button_answer_uses_the_entity_it_carries():
    tracker = load_tracker("faq_message")
    tracker.latest_message = {"text": '/inform{"tr_severity": "severe"}', "intent": {"name": "inform"},
                              "entities": [{"entity": "tr_severity", "value": "severe"}]}
    assert ValidateTriageForm().validate_tr_severity(
        tracker.latest_message["text"], CollectingDispatcher(), tracker, {}) == {"tr_severity": "severe"}
