"""After an emergency, every message gets the reminder: one rule per intent a patient can
say (data/rules/red_flags.yml), so a new intent without one fails here."""

from pathlib import Path

import yaml
from rasa.shared.core.domain import Domain

from contract import RED_FLAG_INTENTS

ROOT = Path(__file__).resolve().parents[2]
# Intents the reminder is not for: the red-flag path answers these itself.
# call_emergency is answered with the emergency number itself.
NOT_REMINDED = set(RED_FLAG_INTENTS) | {
    "red_flag_now",
    "call_emergency",
    "session_start",
    "restart",
    "back",
    "out_of_scope_placeholder",
}


def reminded_intents():
    rules = yaml.safe_load((ROOT / "data/rules/red_flags.yml").read_text(encoding="utf-8"))
    found = set()
    for rule in rules["rules"]:
        condition = rule.get("condition") or []
        if {"slot_was_set": [{"emergency_active": True}]} not in condition:
            continue
        steps = rule["steps"]
        actions = [step["action"] for step in steps if "action" in step]
        if "utter_emergency_reminder" in actions:
            found |= {step["intent"] for step in steps if "intent" in step}
    return found


def test_every_intent_a_patient_can_say_has_the_reminder_after_an_emergency():
    domain = Domain.load(str(ROOT / "domain"))
    said = {intent for intent in domain.intents if intent not in NOT_REMINDED}
    missing = sorted(said - reminded_intents())
    assert missing == [], f"add a rule 'after an emergency, ...' for {missing}"
