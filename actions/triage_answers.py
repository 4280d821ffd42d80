"""Turning a patient's reply into an answer to a triage question, or into nothing.

Two kinds of reply fill a question:

* a button tap. Every triage button names the question it was shown with
  (`/answer{"tr_question": "tr_bladder", "tr_answer": "yes"}`), so a tap answers that
  question, even when it is an older one than the question being asked now;
* typed words, in English, Hinglish or Hindi. They answer the question being asked now:
  through the intent the NLU gives (affirm, deny, not_sure) for yes / no questions, an age
  in years for the age question, and the word tables below for how long, how bad, and
  whether non-surgical care helped.

A reply that is neither is never guessed: the form says so and asks the same question
again. Questions to the FAQ, a request for a person, "are you a bot", cancel and red
flags are left to the dialogue rules (the form steps aside and comes back).

The extraction is written once, here, for every question: the form's validation action
is the one place Rasa gives a form's custom slot mappings (`type: custom` in the domain).
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from actions.triage_questions import (
    BY_SLOT,
    HELPING,
    MILD,
    MODERATE,
    NO,
    NOT_HELPING,
    NOT_TRIED,
    OVER_3_MONTHS,
    SEVERE,
    UNDER_6_WEEKS,
    UNSURE,
    WEEKS_6_TO_MONTHS_3,
    YES,
)
from contract import (
    ANSWER_QUESTION_ENTITY,
    ANSWER_VALUE_ENTITY,
    INTENT_ANSWER,
    INTENT_FEEDBACK,
    RED_FLAG_INTENTS,
)

INTENT_VALUES = {"affirm": YES, "deny": NO, "not_sure": UNSURE}
# Handled by the dialogue rules while the form waits (data/rules/triage.yml, red_flags.yml,
# feedback.yml: a thumbs tap under an earlier answer is thanked, not read as an answer).
STEP_ASIDE_INTENTS = (
    frozenset({"faq", "request_human", "bot_challenge", "cancel", "call_emergency"})
    | {INTENT_FEEDBACK}
    | RED_FLAG_INTENTS
)
AGE_QUESTION = "tr_age"
AGE_BAND_START = 50

# Typed words -> a category. Text is lower-cased, NFC-normalised and stripped of the
# nukta first, so "तेज़" and "तेज" read the same. The first matching row wins.
DURATION = [
    (
        UNDER_6_WEEKS,
        r"(less than|under|within) (6|six)"
        r"|(6|six|chhe|chhah|छह|६) (weeks?|hafte|हफ्ते) (se|से) (kam|कम)",
    ),
    (
        OVER_3_MONTHS,
        r"(more than|over) (3|three)|(3|three|teen|तीन|३) (months?|mahine|महीने) (se|से) "
        r"(zyada|jyada|upar|adhik|ज्यादा|ऊपर|अधिक)|\b([4-9]|\d\d) (months|mahine|महीने)"
        r"|year|saal|\bsal\b|baras|साल|वर्ष|बरस",
    ),
    (
        WEEKS_6_TO_MONTHS_3,
        r"(6|six|छह|६) (weeks?|hafte|हफ्ते) (to|se|से|-|–) ?(3|three|teen|तीन|३)"
        r"|\b([6-9]|1[0-2]) (weeks|hafte|हफ्ते)|\b[1-3] (months?|mahin[ae]|महीन)"
        r"|ek mahina|do mahine|teen mahine|month|mahin|महीन",
    ),
    (UNDER_6_WEEKS, r"day|din|दिन|week|hafta|hafte|हफ्त|kal\b|कल|yesterday|today|aaj|आज|abhi|अभी"),
]
SEVERITY = [
    (
        MODERATE,
        r"moderate|medium|theek.?thaak|thik.?thak|thoda zyada|manageable|madhyam"
        r"|मध्यम|ठीक.?ठाक|थोडा ज्यादा",
    ),
    (
        SEVERE,
        r"severe|limit|very bad|terrible|unbearable|can'?t move"
        r"|bahut (tez|tej|zyada|jyada|dard|bura)|\btez|\btej|bhayankar|sehan nahi"
        r"|बहुत (तेज|ज्यादा|दर्द)|तेज|असहनीय|भयंकर",
    ),
    (MILD, r"mild|slight|little|halka|thoda|\bkam\b|हल्का|थोडा|(?<![^\s,.!?])कम(?![^\s,.!?])"),
]
CARE_HELPED = [
    (
        NOT_TRIED,
        r"not tried|haven'?t tried|have not tried|never tried|nahi kiya|try nahi"
        r"|nahi aazmaya|आजमाया नहीं|नहीं आजमाया|नहीं किया",
    ),
    (
        NOT_HELPING,
        r"^no\b|not help|hasn'?t help|has not help|didn'?t help|no (relief|help|use)"
        r"|nahi|nahin|नहीं|koi fayda nahi|worse",
    ),
    (HELPING, r"^yes|helping|helped|\bhelp|better|haan|\bha\b|fayda|aaram|हाँ|हां|आराम|फायदा"),
]
WORD_TABLES = {"tr_duration": DURATION, "tr_severity": SEVERITY, "tr_care_helped": CARE_HELPED}
CARE_INTENT_VALUES = {"affirm": HELPING, "deny": NOT_HELPING}


def normalise(text: Optional[str]) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("\u093c", "")
    return " ".join(text.lower().split())


def classify(text: Optional[str], table: List[Tuple[str, str]]) -> Optional[str]:
    """The first category whose pattern matches the answer, else None."""
    lowered = normalise(text)
    for value, pattern in table:
        if re.search(unicodedata.normalize("NFC", pattern).replace("\u093c", ""), lowered):
            return value
    return None


def age_in(text: Optional[str]) -> Optional[int]:
    """An age in years written in the answer ("62", "I am 47", "६५ साल"), else None."""
    match = re.search(r"(?<!\d)(\d{1,3})(?!\d)", normalise(text))
    if not match:
        return None
    age = int(match.group(1))
    return age if 0 < age <= 120 else None


@dataclass(frozen=True)
class Reply:
    """What a message means for the form.

    kind: "answer" (to the question asked now), "earlier" (a tap on an older question's
    button), "unclear" (not an answer: ask again) or "aside" (for the dialogue rules).
    """

    kind: str
    slot: Optional[str] = None
    value: Optional[str] = None


def tapped_answer(message: Mapping[str, Any]) -> Optional[Tuple[Optional[str], Optional[str]]]:
    """(question, value) of a triage button tap; (None, None) for a malformed one; None if no
    tap."""
    if ((message.get("intent") or {}).get("name")) != INTENT_ANSWER:
        return None
    entities: Dict[str, Any] = {
        e.get("entity"): e.get("value") for e in message.get("entities") or []
    }
    slot, value = entities.get(ANSWER_QUESTION_ENTITY), entities.get(ANSWER_VALUE_ENTITY)
    question = BY_SLOT.get(slot) if isinstance(slot, str) else None
    if question is None or value not in question.answers:
        return None, None
    return slot, value


def typed_answer(slot: str, intent: Optional[str], text: str) -> Optional[str]:
    """The answer to the question `slot` that typed words give, or None."""
    if text.lstrip().startswith("/"):  # a payload, not typed words: only a plain yes/no/not sure
        return INTENT_VALUES.get(intent or "") if BY_SLOT[slot].yes_no else None
    if slot == AGE_QUESTION:
        age = age_in(text)
        if age is not None:
            return YES if age >= AGE_BAND_START else NO
    if BY_SLOT[slot].yes_no:
        return INTENT_VALUES.get(intent or "")
    value = classify(text, WORD_TABLES[slot])
    if value is None and slot == "tr_care_helped":
        value = CARE_INTENT_VALUES.get(intent or "")
    return value


def read_reply(message: Mapping[str, Any], requested: Optional[str]) -> Reply:
    """What the latest message means while the form asks `requested`."""
    intent = (message.get("intent") or {}).get("name")
    if intent in STEP_ASIDE_INTENTS:
        return Reply("aside")
    tapped = tapped_answer(message)
    if tapped is not None:
        slot, value = tapped
        if slot is None:
            return Reply("unclear", requested) if requested else Reply("aside")
        return Reply("answer" if slot == requested else "earlier", slot, value)
    if requested not in BY_SLOT:
        return Reply("aside")
    value = typed_answer(requested, intent, message.get("text") or "")
    return Reply("answer", requested, value) if value else Reply("unclear", requested)
