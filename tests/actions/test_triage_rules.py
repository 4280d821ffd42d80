"""The triage decision, rule by rule, and which questions the form asks.

The level tables restate the clinical reference; every rule appears with the answers that
meet it and, next to it, answers that fall just short of it.
"""

import pytest

from actions.triage_rules import decide, required_slots

YES_NO = [
    "tr_bladder",
    "tr_bowel",
    "tr_saddle",
    "tr_leg_weakness",
    "tr_leg_pain",
    "tr_both_legs",
    "tr_injury",
    "tr_serious_injury",
    "tr_recent_procedure",
    "tr_chest",
    "tr_leg_pain_new",
    "tr_wound",
    "tr_cancer",
    "tr_arm_weakness",
    "tr_fever",
    "tr_weight_loss",
    "tr_night_pain",
    "tr_tb_risk",
    "tr_osteoporosis",
    "tr_age",
]
# No warning sign, mild pain for 6 weeks to 3 months, helped by non-surgical care.
ALL_NO = {
    **{slot: "no" for slot in YES_NO},
    "tr_duration": "6_weeks_to_3_months",
    "tr_severity": "mild",
    "tr_care_helped": "yes",
}
CES = ["tr_bladder", "tr_bowel", "tr_saddle", "tr_leg_weakness"]
PROCEDURE = {"tr_recent_procedure": "yes"}
NEW_SEVERE = {"tr_duration": "under_6_weeks", "tr_severity": "severe"}

LEVELS = [
    # --- EMERGENCY
    *[pytest.param({slot: "yes"}, "EMERGENCY", id=f"{slot} yes") for slot in CES],
    pytest.param({"tr_leg_pain": "yes", "tr_both_legs": "yes"}, "EMERGENCY", id="both legs"),
    pytest.param(
        {"tr_injury": "yes", "tr_serious_injury": "yes"}, "EMERGENCY", id="serious accident"
    ),
    pytest.param({**PROCEDURE, "tr_chest": "yes"}, "EMERGENCY", id="procedure + chest pain"),
    pytest.param(
        {**PROCEDURE, "tr_leg_pain": "yes", "tr_leg_pain_new": "yes"},
        "EMERGENCY",
        id="procedure + new leg pain",
    ),
    pytest.param(
        {**PROCEDURE, "tr_leg_weakness": "yes"},
        "EMERGENCY",
        id="procedure + new leg weakness or numbness",
    ),
    pytest.param(
        {"tr_cancer": "yes", "tr_arm_weakness": "yes"},
        "EMERGENCY",
        id="cancer + arm weakness or numbness",
    ),
    pytest.param(
        {"tr_cancer": "yes", "tr_leg_weakness": "yes"},
        "EMERGENCY",
        id="cancer + leg weakness or numbness",
    ),
    # --- URGENT
    pytest.param({**PROCEDURE, "tr_wound": "yes"}, "URGENT", id="procedure + needle site"),
    pytest.param({**PROCEDURE, "tr_fever": "yes"}, "URGENT", id="procedure + fever"),
    pytest.param({"tr_fever": "yes"}, "URGENT", id="fever, chills or night sweats"),
    pytest.param(
        {"tr_injury": "yes", **NEW_SEVERE},
        "URGENT",
        id="sudden severe pain after a minor injury, no osteoporosis",
    ),
    pytest.param(NEW_SEVERE, "URGENT", id="sudden severe pain without a clear cause"),
    pytest.param(
        {"tr_osteoporosis": "yes", **NEW_SEVERE},
        "URGENT",
        id="sudden severe pain with osteoporosis or steroids",
    ),
    pytest.param(
        {"tr_injury": "yes", "tr_osteoporosis": "yes"},
        "URGENT",
        id="minor injury with osteoporosis or steroids",
    ),
    pytest.param({"tr_cancer": "yes"}, "URGENT", id="cancer history with back pain"),
    pytest.param(
        {"tr_cancer": "yes", "tr_duration": "under_6_weeks"}, "URGENT", id="cancer + new pain"
    ),
    pytest.param({"tr_cancer": "yes", "tr_night_pain": "yes"}, "URGENT", id="cancer + night pain"),
    pytest.param({"tr_night_pain": "yes"}, "URGENT", id="night pain"),
    pytest.param({"tr_weight_loss": "yes"}, "URGENT", id="unexplained weight loss"),
    pytest.param({"tr_tb_risk": "yes"}, "URGENT", id="TB history or contact, HIV, weak immunity"),
    pytest.param(
        {"tr_tb_risk": "yes", "tr_fever": "yes", "tr_duration": "over_3_months"},
        "URGENT",
        id="spinal TB signs",
    ),
    pytest.param(
        {"tr_age": "yes", "tr_duration": "under_6_weeks"}, "URGENT", id="50 or over + new pain"
    ),
    # --- ROUTINE
    pytest.param(
        {"tr_severity": "severe", "tr_duration": "over_3_months"},
        "ROUTINE",
        id="severe long-standing pain",
    ),
    pytest.param({"tr_severity": "severe"}, "ROUTINE", id="severe pain for 6 weeks to 3 months"),
    pytest.param({"tr_care_helped": "no"}, "ROUTINE", id="non-surgical care not helping"),
    # --- SELF_CARE, and answers that fall short of a rule
    pytest.param({}, "SELF_CARE", id="no warning sign"),
    pytest.param(
        {"tr_severity": "moderate", "tr_care_helped": "not_tried"},
        "SELF_CARE",
        id="moderate, care not tried",
    ),
    pytest.param({"tr_age": "yes"}, "SELF_CARE", id="50 or over, pain not new"),
    pytest.param(
        {"tr_injury": "yes", "tr_duration": "under_6_weeks"},
        "SELF_CARE",
        id="minor injury, mild pain, no osteoporosis",
    ),
    pytest.param(
        {**PROCEDURE, "tr_leg_pain": "yes", "tr_leg_pain_new": "no"},
        "SELF_CARE",
        id="procedure + leg pain from before",
    ),
    pytest.param({"tr_leg_pain": "yes", "tr_both_legs": "no"}, "SELF_CARE", id="one leg"),
]


@pytest.mark.parametrize("changes, level", LEVELS)
def test_levels(changes, level):
    assert decide({**ALL_NO, **changes})[0] == level


@pytest.mark.parametrize(
    "changes, level", [p for p in LEVELS if p.values[1] in ("EMERGENCY", "URGENT")]
)
def test_not_sure_counts_as_yes(changes, level):
    unsure = {slot: "unsure" if value == "yes" else value for slot, value in changes.items()}
    assert decide({**ALL_NO, **unsure})[0] == level


def test_the_more_urgent_level_wins_and_gives_its_reasons():
    level, reasons = decide(
        {**ALL_NO, "tr_fever": "yes", "tr_bowel": "yes", "tr_severity": "severe"}
    )
    assert (level, reasons) == ("EMERGENCY", ["new trouble controlling stool"])


@pytest.mark.parametrize(
    "answers, reasons",
    [
        (
            {"tr_severity": "mild", "tr_care_helped": "yes"},
            ["mild pain", "non-surgical care is helping"],
        ),
        (
            {"tr_severity": "moderate", "tr_care_helped": "not_tried"},
            ["moderate pain", "no non-surgical care tried yet"],
        ),
        (
            {"tr_severity": "mild", "tr_care_helped": "no"},
            ["pain that non-surgical care has not helped"],
        ),
    ],
)
def test_reasons_say_what_was_answered(answers, reasons):
    assert decide({**ALL_NO, **answers})[1] == reasons


# --- which questions are asked


def next_question(answers):
    return next((slot for slot in required_slots(answers) if answers.get(slot) is None), None)


def walk(answer):
    """The questions asked, in order, when `answer(slot)` answers each of them."""
    answers, asked = {}, []
    while (slot := next_question(answers)) is not None:
        asked.append(slot)
        answers[slot] = answer(slot)
        assert len(asked) < 40
    return asked, answers


def test_the_cauda_equina_questions_come_first_and_one_at_a_time():
    assert required_slots({})[:4] == CES


@pytest.mark.parametrize("slot", CES)
@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_questions_stop_right_after_an_emergency_answer(slot, answer):
    asked, answers = walk(lambda s: answer if s == slot else "no")
    assert asked[-1] == slot
    assert decide(answers)[0] == "EMERGENCY"


def test_follow_up_questions_appear_only_when_relevant():
    assert "tr_both_legs" not in required_slots({"tr_leg_pain": "no"})
    assert "tr_both_legs" in required_slots({"tr_leg_pain": "yes"})
    assert "tr_serious_injury" in required_slots({"tr_injury": "yes"})
    assert {"tr_chest", "tr_wound"} <= set(required_slots({"tr_recent_procedure": "unsure"}))
    assert "tr_chest" not in required_slots({"tr_recent_procedure": "no"})
    assert "tr_leg_pain_new" in required_slots({"tr_recent_procedure": "yes", "tr_leg_pain": "yes"})
    assert "tr_leg_pain_new" not in required_slots(
        {"tr_recent_procedure": "yes", "tr_leg_pain": "no"}
    )
    assert "tr_arm_weakness" in required_slots({"tr_cancer": "yes"})
    assert "tr_arm_weakness" not in required_slots({"tr_cancer": "no"})


def test_a_pain_free_of_warning_signs_gets_every_screening_question():
    asked, answers = walk(
        lambda s: {
            "tr_duration": "6_weeks_to_3_months",
            "tr_severity": "mild",
            "tr_care_helped": "yes",
        }.get(s, "no")
    )
    assert asked == [
        "tr_bladder",
        "tr_bowel",
        "tr_saddle",
        "tr_leg_weakness",
        "tr_leg_pain",
        "tr_injury",
        "tr_recent_procedure",
        "tr_cancer",
        "tr_duration",
        "tr_severity",
        "tr_fever",
        "tr_weight_loss",
        "tr_night_pain",
        "tr_tb_risk",
        "tr_care_helped",
    ]
    assert decide(answers)[0] == "SELF_CARE"


def test_once_urgent_only_questions_that_could_mean_emergency_are_left():
    new_severe = {"tr_duration": "under_6_weeks", "tr_severity": "severe"}
    asked, answers = walk(lambda s: new_severe.get(s, "no"))
    assert asked[-2:] == ["tr_duration", "tr_severity"]
    assert decide(answers)[0] == "URGENT"
    # an urgent answer before the emergency questions are done does not end them
    pending = required_slots({"tr_bladder": "no", "tr_fever": "yes"})
    assert "tr_bowel" in pending
    assert "tr_weight_loss" not in pending and "tr_duration" not in pending


def test_risk_factors_are_asked_only_when_they_can_change_the_level():
    # osteoporosis or steroids: only after an injury
    assert "tr_osteoporosis" not in required_slots({"tr_injury": "no"})
    assert "tr_osteoporosis" in required_slots({"tr_injury": "yes", "tr_serious_injury": "no"})
    # age: only with pain that started in the last 6 weeks
    assert "tr_age" in required_slots({"tr_duration": "under_6_weeks"})
    assert "tr_age" not in required_slots({"tr_duration": "over_3_months"})
    # has care helped: not after severe pain, which is ROUTINE already
    assert "tr_care_helped" not in required_slots(
        {"tr_severity": "severe", "tr_duration": "over_3_months"}
    )


def test_a_yes_to_a_follow_up_keeps_its_context():
    """A tap on an older follow-up button counts, even if the answer it followed changed."""
    assert decide({**ALL_NO, "tr_chest": "yes"})[0] == "EMERGENCY"
    assert decide({**ALL_NO, "tr_arm_weakness": "unsure"})[0] == "EMERGENCY"
    assert decide({**ALL_NO, "tr_wound": "yes"})[0] == "URGENT"
