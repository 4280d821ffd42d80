"""The triage decision: which questions to ask next, and the level the answers give.

Levels follow the clinical reference: EMERGENCY, URGENT, ROUTINE (book a specialist),
SELF_CARE. "Not sure" on a warning-sign question counts as yes, and when unsure
between two levels the more urgent one wins.
"""
import re
from typing import Dict, List, Optional, Tuple

YES, NO, UNSURE = "yes", "no", "unsure"

# question slot -> (level if yes/unsure, reason in plain words)
WARNING_SIGNS: Dict[str, Tuple[str, str]] = {
    "tr_bladder": ("EMERGENCY", "new trouble passing or controlling urine"),
    "tr_bowel": ("EMERGENCY", "loss of bowel control"),
    "tr_saddle": ("EMERGENCY", "numbness around the genitals or bottom"),
    "tr_leg_weakness": ("EMERGENCY", "new weakness or numbness in the legs"),
    "tr_both_legs": ("EMERGENCY", "symptoms in both legs"),
    "tr_chest": ("EMERGENCY", "chest pain or breathlessness after the procedure"),
    "tr_serious_injury": ("EMERGENCY", "back pain after a serious accident"),
    "tr_wound": ("URGENT", "signs of infection where the needle went in"),
    "tr_fever": ("URGENT", "fever with back pain"),
    "tr_cancer": ("URGENT", "a history of cancer"),
}


def positive(answer: Optional[str]) -> bool:
    """Yes or not sure."""
    return answer in (YES, UNSURE)


def required_slots(answers: Dict[str, Optional[str]]) -> List[str]:
    """The questions to ask, in order, given the answers so far.

    Follow-up questions appear only when relevant, and the list stops right after an
    emergency answer so that the advice is not delayed by more questions.
    """
    order: List[str] = []

    def ask(slot: str) -> bool:
        order.append(slot)
        return WARNING_SIGNS.get(slot, ("",))[0] == "EMERGENCY" and positive(answers.get(slot))

    for slot in ("tr_bladder", "tr_bowel", "tr_saddle", "tr_leg_weakness"):
        if ask(slot):
            return order
    if ask("tr_leg_pain") or positive(answers.get("tr_leg_pain")):
        if ask("tr_both_legs"):
            return order
    ask("tr_recent_procedure")
    if positive(answers.get("tr_recent_procedure")):
        if ask("tr_chest"):
            return order
        ask("tr_wound")
    ask("tr_fever")
    ask("tr_cancer")
    ask("tr_injury")
    if positive(answers.get("tr_injury")) and ask("tr_serious_injury"):
        return order
    order += ["tr_osteoporosis", "tr_duration", "tr_severity", "tr_care_helped"]
    return order


def decide(answers: Dict[str, Optional[str]]) -> Tuple[str, List[str]]:
    """(level, reasons) for a completed set of answers."""
    for wanted in ("EMERGENCY", "URGENT"):
        reasons = [reason for slot, (level, reason) in WARNING_SIGNS.items()
                   if level == wanted and positive(answers.get(slot))]
        if wanted == "URGENT":
            if positive(answers.get("tr_injury")) and positive(answers.get("tr_osteoporosis")):
                reasons.append("pain after a fall or injury with osteoporosis or long-term steroids")
            elif (positive(answers.get("tr_osteoporosis")) and answers.get("tr_severity") == "severe"
                  and answers.get("tr_duration") == "under_6_weeks"):
                reasons.append("sudden severe pain with osteoporosis or long-term steroids")
        if reasons:
            return wanted, reasons
    reasons = []
    if answers.get("tr_severity") == "severe":
        reasons.append("severe pain that limits your movement")
    if answers.get("tr_care_helped") == "no":
        reasons.append("pain that non-surgical care has not helped")
    if reasons:
        return "ROUTINE", reasons
    return "SELF_CARE", []


# Free-text answers: typed words or the buttons' payloads -> a category.
DURATION = [
    ("under_6_weeks", r"less than (6|six)|under (6|six)"),
    ("over_3_months", r"more than (3|three)|over (3|three)|\b([4-9]|\d\d) (months|mahine)|year|saal|\bsal\b|साल"),
    ("6_weeks_to_3_months", r"(6|six) weeks to|\b([6-9]|1[0-2]) (weeks|hafte)|\b[1-3] (months?|mahin[ae])|ek mahina|do mahine|teen mahine|month|mahin|महीन"),
    ("under_6_weeks", r"day|din|दिन|week|hafta|hafte|हफ्त|kal\b|yesterday|today|aaj|abhi"),
]
SEVERITY = [
    ("severe", r"severe|limit|very bad|terrible|unbearable|can'?t move|bahut|tez|tej|zyada|bhayankar|बहुत|तेज|असहनीय"),
    ("moderate", r"moderate|medium|theek.?thaak|thoda zyada|manageable|madhyam|मध्यम"),
    ("mild", r"mild|slight|little|halka|thoda|kam|हल्का|थोड़ा"),
]
CARE_HELPED = [
    ("not_tried", r"not tried|haven'?t tried|have not tried|never tried|nahi kiya|try nahi"),
    ("no", r"^no\b|not help|hasn'?t help|has not help|didn'?t help|no (relief|help|use)|nahi|नहीं|koi fayda nahi|worse"),
    ("yes", r"^yes|helping|helped|help|better|haan|ha\b|fayda|aaram|हाँ|हां|आराम"),
]


def classify(text: Optional[str], table: List[Tuple[str, str]]) -> Optional[str]:
    """The first category whose pattern matches the lower-cased answer, else None."""
    lowered = (text or "").lower().strip()
    for value, pattern in table:
        if re.search(pattern, lowered):
            return value
    return None
