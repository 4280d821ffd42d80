"""Replies to the triage questions: typed words, button taps (current and older), and
non-answers."""

import json

import pytest

from actions.triage import ActionTriageResult, ValidateTriageForm
from actions.triage_answers import (
    CARE_HELPED,
    DURATION,
    SEVERITY,
    Reply,
    age_in,
    classify,
    read_reply,
)
from tests.conftest import load_tracker, run_action, slot_events

NO_SO_FAR = {"tr_bladder": "no", "tr_bowel": "no"}  # the form now asks tr_saddle
FIRST_FOUR_NO = {**NO_SO_FAR, "tr_saddle": "no", "tr_leg_weakness": "no"}


def message(text, intent, **entities):
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
    }


def tap(question, answer):
    """What Rasa makes of a triage button's payload."""
    payload = "/answer" + json.dumps({"tr_question": question, "tr_answer": answer})
    return message(payload, "answer", tr_question=question, tr_answer=answer)


def form_turn(latest, requested, **answers):
    """Runs the form's validation action on `latest`; (slot events, responses said)."""
    tracker = load_tracker("faq_message", requested_slot=requested, **answers)
    tracker.latest_message = latest
    events, said = run_action(ValidateTriageForm(), tracker)
    return slot_events(events), [m["response"] for m in said]


@pytest.mark.parametrize(
    "text, intent, value",
    [
        # the NLU's intent for typed words (checked against the trained model in test_triage_nlu.py)
        ("haan", "affirm", "yes"),
        ("haan thoda", "affirm", "yes"),
        ("ji haan", "affirm", "yes"),
        ("yes a bit", "affirm", "yes"),
        ("sometimes", "affirm", "yes"),
        ("कभी कभी", "affirm", "yes"),
        ("nahi", "deny", "no"),
        ("नहीं", "deny", "no"),
        ("no", "deny", "no"),
        ("pata nahi", "not_sure", "unsure"),
        ("पता नहीं", "not_sure", "unsure"),
        # a plain payload is a plain answer to the question asked
        ("/affirm", "affirm", "yes"),
        ("/not_sure", "not_sure", "unsure"),
    ],
)
def test_typed_yes_no_and_not_sure_fill_the_question_asked(text, intent, value):
    assert read_reply(message(text, intent), "tr_saddle") == Reply("answer", "tr_saddle", value)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("purple", "nlu_fallback"),
        ("hello", "greet"),
        ("thanks", "thank"),
        ("my back hurts", "report_back_pain"),
        ("Ravi Kumar", "inform"),
        # an old button that names no question, or a malformed one, is not guessed
        ('/inform{"tr_severity": "severe"}', "inform"),
    ],
)
def test_anything_else_is_unclear_and_asked_again(text, intent):
    assert read_reply(message(text, intent), "tr_saddle") == Reply("unclear", "tr_saddle")
    slots, said = form_turn(message(text, intent), "tr_saddle", **NO_SO_FAR)
    assert said == ["utter_unclear_answer"]
    assert slots == {"tr_saddle": None, "requested_slot": "tr_saddle"}


@pytest.mark.parametrize("tapped", [tap("tr_nothing", "yes"), tap("tr_saddle", "maybe")])
def test_a_malformed_tap_is_unclear(tapped):
    assert read_reply(tapped, "tr_saddle") == Reply("unclear", "tr_saddle")


@pytest.mark.parametrize(
    "intent",
    [
        "faq",
        "request_human",
        "bot_challenge",
        "cancel",
        "call_emergency",
        "red_flag_emergency",
        "red_flag_urgent",
        "red_flag_possible",
        "feedback",  # a thumbs tap under an earlier answer: thanked, then the form goes on
    ],
)
def test_questions_and_requests_are_left_to_the_dialogue_rules(intent):
    slots, said = form_turn(message("what is kyphoplasty", intent), "tr_saddle", **NO_SO_FAR)
    assert said == [] and slots == {"requested_slot": "tr_saddle"}  # Rasa then rejects the form


@pytest.mark.parametrize(
    "slot, text, value",
    [
        ("tr_age", "62", "yes"),
        ("tr_age", "I am 47", "no"),
        ("tr_age", "mummy ki umar 71 saal hai", "yes"),
        ("tr_age", "६५ साल", "yes"),
        ("tr_age", "50", "yes"),
        ("tr_duration", "3 hafte se", "under_6_weeks"),
        ("tr_duration", "2 months", "6_weeks_to_3_months"),
        ("tr_duration", "do saal se", "over_3_months"),
        ("tr_duration", "3 महीने से ज़्यादा", "over_3_months"),
        ("tr_duration", "6 hafte se 3 mahine", "6_weeks_to_3_months"),
        ("tr_duration", "6 हफ़्ते से कम", "under_6_weeks"),
        ("tr_severity", "bahut tez dard", "severe"),
        ("tr_severity", "halka sa", "mild"),
        ("tr_severity", "बहुत तेज़", "severe"),
        ("tr_severity", "मध्यम", "moderate"),
        ("tr_care_helped", "thoda aaram hai", "yes"),
        ("tr_care_helped", "नहीं, आराम नहीं", "no"),
        ("tr_care_helped", "अभी आज़माया नहीं", "not_tried"),
        ("tr_care_helped", "haan", "yes"),
    ],
)
def test_typed_words_for_the_other_questions(slot, text, value):
    assert read_reply(message(text, "inform"), slot) == Reply("answer", slot, value)


@pytest.mark.parametrize(
    "text, table, expected",
    [
        ("less than 6 weeks", DURATION, "under_6_weeks"),
        ("3 din se", DURATION, "under_6_weeks"),
        ("Over 3 months", DURATION, "over_3_months"),
        ("6 weeks to 3 months", DURATION, "6_weeks_to_3_months"),
        ("severe pain, it limits my movement", SEVERITY, "severe"),
        ("bahut halka", SEVERITY, "mild"),
        ("कमर में दर्द है", SEVERITY, None),
        ("have not tried it", CARE_HELPED, "not_tried"),
        ("no it has not helped", CARE_HELPED, "no"),
        ("banana", SEVERITY, None),
    ],
)
def test_word_tables(text, table, expected):
    assert classify(text, table) == expected


def test_no_age_in_words_without_a_number():
    assert age_in("I am old") is None and age_in("1000") is None


# --- button taps are bound to their question


def test_a_tap_answers_the_question_it_was_shown_with():
    slots, said = form_turn(tap("tr_saddle", "no"), "tr_saddle", **NO_SO_FAR)
    assert slots == {"tr_saddle": "no", "requested_slot": "tr_leg_weakness"} and said == []


def test_a_tap_on_an_older_question_answers_that_question_and_asks_the_current_one_again():
    answers = {**FIRST_FOUR_NO, "tr_leg_pain": "no", "tr_injury": "no"}
    slots, said = form_turn(tap("tr_leg_pain", "yes"), "tr_recent_procedure", **answers)
    assert slots["tr_leg_pain"] == "yes" and "tr_recent_procedure" not in slots
    assert said == ["utter_triage_answer_updated"]
    assert slots["requested_slot"] == "tr_both_legs"  # its follow-up comes first


def test_an_older_yes_to_a_red_flag_question_ends_the_form_in_an_emergency():
    """The channel finding: a bladder "yes" tapped later was recorded as a cancer "yes"."""
    answers = {**FIRST_FOUR_NO, "tr_leg_pain": "no", "tr_injury": "no", "tr_recent_procedure": "no"}
    slots, said = form_turn(tap("tr_bladder", "yes"), "tr_cancer", **answers)
    assert slots["tr_bladder"] == "yes" and "tr_cancer" not in slots
    assert said == []  # the emergency advice is the first thing said
    assert slots["requested_slot"] is None  # nothing more is asked
    tracker = load_tracker("faq_message", **{**answers, **slots})
    events, said = run_action(ActionTriageResult(), tracker)
    assert slot_events(events)["triage_level"] == "EMERGENCY"
    assert said[0]["response"] == "utter_emergency_advice"


def test_an_older_not_sure_to_a_red_flag_question_escalates_too():
    slots, _ = form_turn(tap("tr_bowel", "unsure"), "tr_saddle", tr_bladder="no", tr_bowel="no")
    assert slots == {"tr_bowel": "unsure", "requested_slot": None}


def test_a_later_no_on_an_older_question_never_lowers_the_level():
    answers = {
        **FIRST_FOUR_NO,
        "tr_leg_pain": "no",
        "tr_injury": "no",
        "tr_recent_procedure": "no",
        "tr_cancer": "no",
        "tr_duration": "over_3_months",
        "tr_severity": "mild",
        "tr_fever": "unsure",
    }
    slots, said = form_turn(tap("tr_fever", "no"), "tr_weight_loss", **answers)
    assert slots["tr_fever"] == "unsure" and said == ["utter_triage_answer_kept"]


def test_starting_the_form_drops_the_answers_of_an_unfinished_earlier_run():
    tracker = load_tracker("faq_message", requested_slot=None, tr_bladder="no", tr_fever="yes")
    tracker.latest_message = message("I have back pain", "report_back_pain")
    slots = slot_events(run_action(ValidateTriageForm(), tracker)[0])
    assert slots == {"tr_bladder": None, "tr_fever": None, "requested_slot": "tr_bladder"}
