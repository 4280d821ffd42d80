"""The triage form's questions: their order, the answers each accepts, and their follow-ups.

The order puts every question that can lead to EMERGENCY first, then the ones that can
lead to URGENT, then the ones that separate ROUTINE from SELF_CARE. A follow-up question
(`ask_when`) is shown only after the answers it depends on; which of the remaining
questions are asked at all is decided in actions/triage_rules.py (only those whose answer
can still change the level). The wording of each question lives in domain/triage_questions.yml.
"""

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Mapping, Optional, Tuple

YES, NO, UNSURE = "yes", "no", "unsure"
YES_NO = (YES, NO, UNSURE)
# "Not sure" on a warning-sign question counts as yes: the more urgent level wins.
POSITIVE: FrozenSet[str] = frozenset({YES, UNSURE})

UNDER_6_WEEKS, WEEKS_6_TO_MONTHS_3, OVER_3_MONTHS = (
    "under_6_weeks",
    "6_weeks_to_3_months",
    "over_3_months",
)
MILD, MODERATE, SEVERE = "mild", "moderate", "severe"
HELPING, NOT_HELPING, NOT_TRIED = "yes", "no", "not_tried"


@dataclass(frozen=True)
class Question:
    """One question: its slot, the values an answer may take, and when it is shown."""

    slot: str
    answers: Tuple[str, ...] = YES_NO
    ask_when: Mapping[str, FrozenSet[str]] = field(default_factory=dict)

    @property
    def yes_no(self) -> bool:
        return self.answers == YES_NO


def _after(**prerequisites: FrozenSet[str]) -> Dict[str, FrozenSet[str]]:
    return {f"tr_{name}": values for name, values in prerequisites.items()}


QUESTIONS: Tuple[Question, ...] = (
    # cauda equina: four separate questions, never merged into one
    Question("tr_bladder"),
    Question("tr_bowel"),
    Question("tr_saddle"),
    Question("tr_leg_weakness"),
    Question("tr_leg_pain"),
    Question("tr_both_legs", ask_when=_after(leg_pain=POSITIVE)),
    # trauma
    Question("tr_injury"),
    Question("tr_serious_injury", ask_when=_after(injury=POSITIVE)),
    # after vertebroplasty, kyphoplasty or sacroplasty
    Question("tr_recent_procedure"),
    Question("tr_chest", ask_when=_after(recent_procedure=POSITIVE)),
    Question("tr_leg_pain_new", ask_when=_after(recent_procedure=POSITIVE, leg_pain=POSITIVE)),
    Question("tr_wound", ask_when=_after(recent_procedure=POSITIVE)),
    # cancer: cord compression can weaken the arms as well as the legs
    Question("tr_cancer"),
    Question("tr_arm_weakness", ask_when=_after(cancer=POSITIVE)),
    # how long and how bad: sudden severe pain is URGENT, and they set ROUTINE vs SELF_CARE
    Question("tr_duration", answers=(UNDER_6_WEEKS, WEEKS_6_TO_MONTHS_3, OVER_3_MONTHS)),
    Question("tr_severity", answers=(MILD, MODERATE, SEVERE)),
    # infection, cancer and spinal TB signs
    Question("tr_fever"),
    Question("tr_weight_loss"),
    Question("tr_night_pain"),
    Question("tr_tb_risk"),
    # fracture risk and age: they count only together with other answers
    Question("tr_osteoporosis"),
    Question("tr_age"),
    Question("tr_care_helped", answers=(HELPING, NOT_HELPING, NOT_TRIED)),
)
BY_SLOT: Dict[str, Question] = {q.slot: q for q in QUESTIONS}
TRIAGE_SLOTS: Tuple[str, ...] = tuple(BY_SLOT)


def question(slot: Optional[str]) -> Optional[Question]:
    return BY_SLOT.get(slot or "")
