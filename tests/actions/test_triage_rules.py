import pytest

from actions.triage_rules import (CARE_HELPED, DURATION, SEVERITY, WARNING_SIGNS, classify,
                                  decide, required_slots)

ALL_NO = {slot: "no" for slot in WARNING_SIGNS} | {
    "tr_leg_pain": "no", "tr_recent_procedure": "no", "tr_injury": "no", "tr_osteoporosis": "no",
    "tr_duration": "under_6_weeks", "tr_severity": "mild", "tr_care_helped": "yes"}


def test_first_questions_are_the_emergency_ones():
    assert required_slots({})[:4] == ["tr_bladder", "tr_bowel", "tr_saddle", "tr_leg_weakness"]


@pytest.mark.parametrize("slot", ["tr_bladder", "tr_bowel", "tr_saddle", "tr_leg_weakness"])
@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_questions_stop_right_after_an_emergency_answer(slot, answer):
    slots = required_slots({slot: answer})
    assert slots[-1] == slot
    assert decide({slot: answer})[0] == "EMERGENCY"


def test_follow_up_questions_appear_only_when_relevant():
    assert "tr_both_legs" not in required_slots({"tr_leg_pain": "no"})
    assert "tr_both_legs" in required_slots({"tr_leg_pain": "yes"})
    assert {"tr_chest", "tr_wound"} <= set(required_slots({"tr_recent_procedure": "unsure"}))
    assert "tr_chest" not in required_slots({"tr_recent_procedure": "no"})
    assert "tr_serious_injury" in required_slots({"tr_injury": "yes"})


@pytest.mark.parametrize("changes, level", [
    ({}, "SELF_CARE"),
    ({"tr_both_legs": "yes", "tr_leg_pain": "yes"}, "EMERGENCY"),
    ({"tr_chest": "unsure", "tr_recent_procedure": "yes"}, "EMERGENCY"),
    ({"tr_serious_injury": "yes", "tr_injury": "yes"}, "EMERGENCY"),
    ({"tr_fever": "yes"}, "URGENT"),
    ({"tr_cancer": "unsure"}, "URGENT"),
    ({"tr_wound": "yes", "tr_recent_procedure": "yes"}, "URGENT"),
    ({"tr_injury": "yes", "tr_osteoporosis": "yes"}, "URGENT"),
    ({"tr_osteoporosis": "yes", "tr_severity": "severe"}, "URGENT"),
    ({"tr_severity": "severe", "tr_duration": "over_3_months"}, "ROUTINE"),
    ({"tr_care_helped": "no"}, "ROUTINE"),
    ({"tr_care_helped": "not_tried", "tr_severity": "moderate"}, "SELF_CARE"),
])
def test_levels(changes, level):
    assert decide({**ALL_NO, **changes})[0] == level


def test_the_more_urgent_level_wins_and_gives_reasons():
    level, reasons = decide({**ALL_NO, "tr_fever": "yes", "tr_bowel": "yes"})
    assert (level, reasons) == ("EMERGENCY", ["loss of bowel control"])


@pytest.mark.parametrize("text, table, expected", [
    ("less than 6 weeks", DURATION, "under_6_weeks"),
    ("3 din se", DURATION, "under_6_weeks"),
    ("2 months", DURATION, "6_weeks_to_3_months"),
    ("do saal se", DURATION, "over_3_months"),
    ("severe pain, it limits my movement", SEVERITY, "severe"),
    ("bahut tez dard", SEVERITY, "severe"),
    ("halka sa", SEVERITY, "mild"),
    ("have not tried it", CARE_HELPED, "not_tried"),
    ("no it has not helped", CARE_HELPED, "no"),
    ("thoda aaram hai", CARE_HELPED, "yes"),
    ("banana", SEVERITY, None),
])
def test_free_text_answers(text, table, expected):
    assert classify(text, table) == expected
