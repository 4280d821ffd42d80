"""Red flags that only exist in combination: a clinical fact plus a later sign.

New leg pain is ordinary back-pain talk, unless the patient had vertebroplasty or
kyphoplasty a few weeks ago; a fall is a fall, unless the patient has osteoporosis.
Established triage systems call these triage tuples (Infermedica) or discriminators
(Manchester). patterns.yml defines the facts, the signs and the `combinations` table;
this module applies the table to the facts and signs of one message, or of a whole
conversation (redflags/conversation.py keeps the facts between messages).
"""

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, List, Mapping, Optional, Tuple

from contract import CONFIRMED, POSSIBLE

# "3 days ago", "2 hafte pehle", "last week", "kal": how long ago a procedure was.
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "ek": 1,
    "two": 2,
    "do": 2,
    "three": 3,
    "teen": 3,
    "four": 4,
    "char": 4,
    "five": 5,
    "paanch": 5,
    "panch": 5,
    "six": 6,
    "chhe": 6,
}
UNIT_DAYS = {
    "day": 1,
    "days": 1,
    "din": 1,
    "dino": 1,
    "दिन": 1,
    "week": 7,
    "weeks": 7,
    "hafte": 7,
    "hafta": 7,
    "haftay": 7,
    "हफ्ते": 7,
    "हफ़्ते": 7,
    "month": 30,
    "months": 30,
    "mahine": 30,
    "mahina": 30,
    "महीने": 30,
    "महीना": 30,
    "year": 365,
    "years": 365,
    "saal": 365,
    "sal": 365,
    "साल": 365,
}
AGO = re.compile(r"(\d+|[a-z]+|[\u0900-\u097f]+)\s+(" + "|".join(UNIT_DAYS) + r")\b")
RECENT_WORDS = re.compile(r"\b(yesterday|today|last week|kal|aaj|parso|कल|आज|परसों)\b")


@dataclass(frozen=True)
class Mention:
    """A clinical fact or sign mentioned in a message."""

    name: str
    text: str
    start: int
    end: int
    certainty: str = CONFIRMED
    days_ago: Optional[int] = None


def days_ago(sentence: str) -> Optional[int]:
    """How many days ago the sentence places an event, when it says so."""
    lowered = sentence.lower()
    for match in AGO.finditer(lowered):
        count = match.group(1)
        number = int(count) if count.isdigit() else NUMBER_WORDS.get(count)
        if number is not None:
            return number * UNIT_DAYS[match.group(2)]
    return 0 if RECENT_WORDS.search(lowered) else None


@dataclass(frozen=True)
class Rule:
    category: str
    facts: List[str]
    signs: List[str]
    within_days: Optional[int] = None
    signs_all: List[str] = field(default_factory=list)
    doubt: bool = False  # `certainty: possible`: at most a possible finding
    unless_signs: List[str] = field(default_factory=list)  # none of these may be told


class Combinations:
    """The `combinations` table of patterns.yml."""

    def __init__(
        self,
        facts: Mapping[str, Any],
        signs: Mapping[str, Any],
        rules: Iterable[Mapping[str, Any]],
        levels: Mapping[str, str],
    ) -> None:
        self.levels = dict(levels)
        self.rules = [
            Rule(
                category=r["category"],
                facts=list(r.get("facts", ())),
                signs=list(r.get("signs", ())),
                within_days=r.get("within_days"),
                signs_all=list(r.get("signs_all", ())),
                doubt=r.get("certainty") == POSSIBLE,
                unless_signs=list(r.get("unless_signs", ())),
            )
            for r in rules
        ]
        for rule in self.rules:
            unknown = [f for f in rule.facts if f not in facts] + [
                s for s in rule.signs + rule.signs_all + rule.unless_signs if s not in signs
            ]
            if not (rule.signs or rule.signs_all):
                unknown.append("no signs")
            if rule.category not in self.levels or unknown:
                raise ValueError(f"combination {rule}: unknown {rule.category} or {unknown}")

    def hits(
        self, facts: List[Mention], signs: List[Mention], already: Iterable[str] = ()
    ) -> List[Tuple[str, str, Mention, str]]:
        """(category, level, sign, certainty) for each rule whose fact and sign are present.

        A fact or sign that was only asked about or doubted gives a `possible` finding, and
        so does a rule marked `certainty: possible` (a fact with a sign that only may be the
        one the reference names: back pain at 50 or over, not said to be new).
        """
        out: List[Tuple[str, str, Mention, str]] = []
        done = set(already)
        for rule in self.rules:
            if rule.category in done or any(s.name in rule.unless_signs for s in signs):
                continue
            if rule.doubt and (set(already) or out):
                continue  # a doubt adds nothing beside a finding already made
            fact = None
            if rule.facts:
                matching = [
                    f for f in facts if f.name in rule.facts and _recent(f, rule.within_days)
                ]
                if not matching:
                    continue
                fact = min(matching, key=lambda f: f.certainty != CONFIRMED)
            present: List[Mention] = []
            if rule.signs_all:
                present = [s for s in signs if s.name in rule.signs_all]
                if {s.name for s in present} != set(rule.signs_all):
                    continue
                sign: Optional[Mention] = present[-1]
            else:
                sign = next((s for s in signs if s.name in rule.signs), None)
            if sign is None:
                continue
            signs_sure = all(s.certainty == CONFIRMED for s in present) if rule.signs_all else True
            sure = (
                not rule.doubt
                and signs_sure
                and sign.certainty == CONFIRMED
                and (fact is None or fact.certainty == CONFIRMED)
            )
            out.append(
                (rule.category, self.levels[rule.category], sign, CONFIRMED if sure else POSSIBLE)
            )
            done.add(rule.category)
        return out


def _recent(fact: Mention, within_days: Optional[int]) -> bool:
    """Unknown timing counts as recent: when unsure, the more urgent reading."""
    return within_days is None or fact.days_ago is None or fact.days_ago <= within_days
