"""The triage result and a triage button tapped after the form: what is said and recorded."""

import json

import pytest

from actions.triage import ActionTriageLateAnswer, ActionTriageResult
from actions.triage_questions import TRIAGE_SLOTS
from tests.conftest import load_tracker, run_action, slot_events

NO_FLAGS = {
    "tr_bladder": "no",
    "tr_bowel": "no",
    "tr_saddle": "no",
    "tr_leg_weakness": "no",
    "tr_leg_pain": "no",
    "tr_injury": "no",
    "tr_recent_procedure": "no",
    "tr_cancer": "no",
    "tr_duration": "over_3_months",
    "tr_severity": "severe",
    "tr_fever": "no",
    "tr_weight_loss": "no",
    "tr_night_pain": "no",
    "tr_tb_risk": "no",
}
MILD_AND_HELPED = {**NO_FLAGS, "tr_severity": "mild", "tr_care_helped": "yes"}


def result(**answers):
    events, said = run_action(ActionTriageResult(), load_tracker("faq_message", **answers))
    return slot_events(events), [m["response"] for m in said], said


def test_routine_result_gives_its_reason_and_clears_the_answers():
    slots, responses, said = result(**NO_FLAGS)
    assert slots["triage_level"] == "ROUTINE" and responses == ["utter_triage_routine"]
    assert said[0]["triage_reason"] == "severe pain"
    assert all(slots[slot] is None for slot in TRIAGE_SLOTS)
    assert "escalation_level" not in slots


def test_self_care_result_names_the_answers_given():
    slots, responses, said = result(**MILD_AND_HELPED)
    assert (slots["triage_level"], responses) == ("SELF_CARE", ["utter_triage_self_care"])
    assert said[0]["triage_reason"] == "mild pain; non-surgical care is helping"


def test_urgent_result_is_recorded_as_an_escalation():
    slots, responses, said = result(**{**MILD_AND_HELPED, "tr_fever": "unsure"})
    assert (slots["triage_level"], responses) == ("URGENT", ["utter_triage_urgent"])
    assert said[0]["triage_reason"] == "fever, chills or night sweats with back pain"
    assert slots["escalation_level"] == "URGENT"
    assert slots["escalation_categories"] == [
        "triage: fever, chills or night sweats with back pain"
    ]


def test_emergency_result_gives_the_advice_then_next_steps_and_keeps_the_session_safe():
    slots, responses, said = result(tr_saddle="yes")
    assert responses == ["utter_emergency_advice", "utter_triage_next_steps_emergency"]
    assert said[0]["red_flag_summary"] == "numbness between the legs or around the bottom"
    assert slots["emergency_active"] is True and slots["escalation_level"] == "EMERGENCY"


@pytest.mark.parametrize(
    "language, reason",
    [("hi", "बहुत तेज़ दर्द"), ("hinglish", "bahut tez dard"), ("en", "severe pain")],
)
def test_the_reason_is_in_the_conversation_language(language, reason):
    slots, _, said = result(**NO_FLAGS, language=language)
    assert said[0]["triage_reason"] == reason == slots["triage_reason"]


def test_the_escalation_record_stays_in_english_for_staff():
    slots, _, said = result(**{**MILD_AND_HELPED, "tr_weight_loss": "yes"}, language="hi")
    assert said[0]["triage_reason"] == "बिना कोशिश के वज़न कम होना"
    assert slots["escalation_categories"] == ["triage: weight loss without trying"]


# --- a triage button tapped after the form ended


def late_tap(question, answer, **slots):
    tracker = load_tracker("faq_message", **slots)
    tracker.latest_message = {
        "text": "/answer" + json.dumps({"tr_question": question, "tr_answer": answer}),
        "intent": {"name": "answer"},
        "entities": [
            {"entity": "tr_question", "value": question},
            {"entity": "tr_answer", "value": answer},
        ],
    }
    events, said = run_action(ActionTriageLateAnswer(), tracker)
    return slot_events(events), [m["response"] for m in said]


@pytest.mark.parametrize(
    "question, answer", [("tr_bladder", "yes"), ("tr_leg_weakness", "unsure"), ("tr_chest", "yes")]
)
def test_a_late_yes_to_an_emergency_question_gives_the_emergency_advice(question, answer):
    slots, said = late_tap(question, answer)
    assert said == ["utter_emergency_advice", "utter_triage_next_steps_emergency"]
    assert slots["emergency_active"] is True and slots["escalation_level"] == "EMERGENCY"


def test_a_late_yes_to_an_urgent_question_gives_the_urgent_advice():
    slots, said = late_tap("tr_fever", "yes")
    assert said == ["utter_triage_urgent"] and slots["escalation_level"] == "URGENT"


@pytest.mark.parametrize(
    "question, answer", [("tr_bladder", "no"), ("tr_age", "yes"), ("tr_severity", "severe")]
)
def test_a_late_answer_that_means_nothing_urgent_offers_the_check_again(question, answer):
    assert late_tap(question, answer) == ({}, ["utter_triage_late_answer"])


def test_after_an_emergency_a_late_tap_gets_the_reminder():
    assert late_tap("tr_bladder", "no", emergency_active=True) == ({}, ["utter_emergency_reminder"])
