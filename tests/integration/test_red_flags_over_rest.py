"""Over POST /webhooks/rest/webhook, every EMERGENCY phrase of the test tables and the
held-out set gets the emergency advice as the very first reply; no-flag phrases
(negated, resolved, questions about the topic) do not, except for the few
over-cautious answers on the blind held-out set that docs/red-flags.md reports."""
from pathlib import Path

import yaml

from redflags import EMERGENCY, load_rules

ROOT = Path(__file__).resolve().parents[2]
LEVEL = {name: spec["level"] for name, spec in load_rules()["categories"].items()}
TABLES = ("cases.yml", "regression.yml", "heldout.yml")


def cases(tables=TABLES):
    for name in tables:
        path = ROOT / "tests/redflags" / name
        yield from yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


EMERGENCY_PHRASES = [c["text"] for c in cases()
                     if any(LEVEL[category] == EMERGENCY for category in c["expect"])]
URGENT_PHRASES = [c["text"] for c in cases()
                  if c["expect"] and all(LEVEL[category] != EMERGENCY for category in c["expect"])]
NO_FLAG_PHRASES = [c["text"] for c in cases(TABLES[:2]) if not c["expect"]]
HELDOUT_NO_FLAG_PHRASES = [c["text"] for c in cases(TABLES[2:]) if not c["expect"]]
MAX_HELDOUT_FALSE_ALARM_RATE = 0.02


def first_text(replies):
    return next((r["text"] for r in replies if r.get("text")), "")


def test_every_emergency_phrase_gets_the_emergency_advice_first(servers):
    assert len(EMERGENCY_PHRASES) > 400
    missed = []
    for number, phrase in enumerate(EMERGENCY_PHRASES):
        replies = servers.say(f"emergency-phrase-{number}", phrase)
        if not first_text(replies).startswith("⚠️ You mentioned"):
            missed.append(phrase)
        elif not any(r.get("custom", {}).get("emergency", {}).get("call") == "112" for r in replies):
            missed.append(phrase + " (no emergency marker)")
    assert missed == []


def test_every_urgent_phrase_gets_the_24_hour_advice_first(servers):
    assert len(URGENT_PHRASES) > 100
    missed = []
    for number, phrase in enumerate(URGENT_PHRASES):
        replies = servers.say(f"urgent-phrase-{number}", phrase)
        if "within 24 hours" not in first_text(replies) or not any(
                r.get("custom", {}).get("emergency", {}).get("level") == "URGENT" for r in replies):
            missed.append(phrase)
    assert missed == []


def escalated(servers, phrases, prefix):
    return [phrase for number, phrase in enumerate(phrases)
            if first_text(servers.say(f"{prefix}-{number}", phrase)).startswith("⚠️")]


def test_phrases_without_a_red_flag_do_not_escalate(servers):
    assert len(NO_FLAG_PHRASES) > 100
    assert escalated(servers, NO_FLAG_PHRASES, "no-flag") == []


def test_false_alarms_on_the_blind_held_out_set_stay_rare(servers):
    assert len(HELDOUT_NO_FLAG_PHRASES) >= 50
    alarms = escalated(servers, HELDOUT_NO_FLAG_PHRASES, "heldout-no-flag")
    assert len(alarms) / len(HELDOUT_NO_FLAG_PHRASES) <= MAX_HELDOUT_FALSE_ALARM_RATE, alarms
