"""The triage decision: the level the answers give, and which questions are still worth asking.

The rules themselves are data (actions/triage_rules.yml); this module reads them and
applies them. Levels follow the clinical reference: EMERGENCY, URGENT, ROUTINE (book a
specialist), SELF_CARE. "Not sure" on a warning-sign question counts as yes, and when
the answers fit two levels the more urgent one wins.

A question is asked only while its answer can still raise the level: once an answer
means EMERGENCY the questions stop, once one means URGENT only the questions that could
still mean EMERGENCY are left, and so on.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

import yaml

from actions.triage_questions import BY_SLOT, POSITIVE, QUESTIONS, YES
from contract import SELF_CARE, TRIAGE_LEVELS

RULES_FILE = Path(__file__).with_name("triage_rules.yml")
# SELF_CARE 0 ... EMERGENCY 3
RANK = {level: rank for rank, level in enumerate(reversed(TRIAGE_LEVELS))}

Answers = Mapping[str, Optional[str]]


@dataclass(frozen=True)
class Rule:
    """A level, the answers that give it, and the reason in each language."""

    level: str
    when: Mapping[str, FrozenSet[str]]
    reason: Mapping[str, str]

    def matches(self, answers: Answers) -> bool:
        return all(answers.get(slot) in values for slot, values in self.when.items())

    def still_possible(self, answers: Answers) -> bool:
        """No answer given so far rules it out."""
        return all(
            answers.get(slot) is None or answers.get(slot) in values
            for slot, values in self.when.items()
        )


def _values(slot: str, wanted) -> FrozenSet[str]:
    values = (
        POSITIVE
        if wanted == "positive"
        else frozenset([wanted] if isinstance(wanted, str) else wanted)
    )
    allowed = set(BY_SLOT[slot].answers)
    if not values <= allowed:
        raise ValueError(f"{RULES_FILE.name}: {slot} has no answer {sorted(values - allowed)}")
    return values


def load_rules(path: Path = RULES_FILE) -> Tuple[Rule, ...]:
    """The rules of `path`, checked against the questions and levels."""
    rules = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        if entry["level"] not in TRIAGE_LEVELS:
            raise ValueError(f"{path.name}: unknown level {entry['level']!r}")
        unknown = set(entry["when"]) - set(BY_SLOT)
        if unknown:
            raise ValueError(f"{path.name}: unknown questions {sorted(unknown)}")
        when = {slot: _values(slot, wanted) for slot, wanted in entry["when"].items()}
        rules.append(Rule(entry["level"], when, dict(entry["reason"])))
    return tuple(rules)


RULES = load_rules()


def with_context(answers: Answers) -> Dict[str, Optional[str]]:
    """The answers, plus what a yes to a follow-up question implies.

    A follow-up is only ever shown after the answers it depends on ("Since the
    procedure, any chest pain?" after a yes to the procedure), so a yes to it, even
    tapped on an older button, carries that context.
    """
    full = dict(answers)
    for question in reversed(QUESTIONS):
        if full.get(question.slot) in POSITIVE:
            for slot, values in question.ask_when.items():
                if full.get(slot) not in values:
                    full[slot] = YES if YES in values else sorted(values)[0]
    return full


@dataclass(frozen=True)
class Decision:
    level: str
    rules: Tuple[Rule, ...]  # the matching rules at that level, in file order

    def reasons(self, language: str = "en") -> List[str]:
        return [rule.reason.get(language) or rule.reason["en"] for rule in self.rules]


def decision(answers: Answers) -> Decision:
    """The level for the answers so far, with the rules that give it."""
    full = with_context(answers)
    matching = [rule for rule in RULES if rule.matches(full)]
    level = max((rule.level for rule in matching), key=RANK.__getitem__, default=SELF_CARE)
    return Decision(level, tuple(rule for rule in matching if rule.level == level))


def decide(answers: Answers) -> Tuple[str, List[str]]:
    """(level, reasons in English) for a set of answers."""
    result = decision(answers)
    return result.level, result.reasons("en")


def _prerequisites_met(slot: str, answers: Answers) -> bool:
    return all(answers.get(s) in values for s, values in BY_SLOT[slot].ask_when.items())


def _potential(slot: str, answers: Answers) -> int:
    """The most urgent level an answer to `slot` could still lead to (as a rank)."""
    ranks = [
        RANK[rule.level] for rule in RULES if slot in rule.when and rule.still_possible(answers)
    ]
    for follow_up in QUESTIONS:
        values = follow_up.ask_when.get(slot)
        if values and answers.get(follow_up.slot) is None:
            assumed = {**answers, slot: sorted(values)[0]}
            others = {s: v for s, v in follow_up.ask_when.items() if s != slot}
            if all(assumed.get(s) is None or assumed.get(s) in v for s, v in others.items()):
                ranks.append(_potential(follow_up.slot, assumed))
    return max(ranks, default=RANK[SELF_CARE])


def required_slots(answers: Answers) -> List[str]:
    """The questions of this form, in order: those answered, and those still worth asking.

    The form asks the first unanswered one; the list is worked out again after each answer.
    """
    current = RANK[decision(answers).level]
    order = []
    for question in QUESTIONS:
        if answers.get(question.slot) is not None:
            order.append(question.slot)
        elif (
            _prerequisites_met(question.slot, answers)
            and _potential(question.slot, answers) > current
        ):
            order.append(question.slot)
    return order
