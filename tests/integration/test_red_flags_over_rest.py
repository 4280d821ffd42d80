"""Red flags over POST /webhooks/rest/webhook, with both servers running.

The detector's phrase tables run in-process (tests/redflags, every phrase); here a sample
proves the wiring of the real channel: one phrase per red-flag category and language
(English, Hinglish, Devanagari) gets its advice as the very first reply, one phrase per
kind of no-flag message and language does not escalate, and false alarms on the blind
held-out set stay as rare as docs/red-flags.md reports."""

import re
from pathlib import Path

import pytest
import yaml

from redflags import EMERGENCY, load_rules

pytestmark = pytest.mark.servers
ROOT = Path(__file__).resolve().parents[2]
LEVEL = {name: spec["level"] for name, spec in load_rules()["categories"].items()}
TABLES = ("cases.yml", "regression.yml", "regression-first-heldout.yml")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Words that mark Hinglish (Hindi in Latin letters) and do not occur in the English phrases.
HINGLISH = re.compile(
    r"\b(hai|hain|nahi|nahin|nhi|mujhe|mera|meri|mere|raha|rahi|gaya|gayi|"
    r"ho|hua|hui|se|ke|ki|ka|mein|mai|aur|bhi|kuch|bahut|bohot|ko|tha|thi)\b",
    re.IGNORECASE,
)
MAX_HELDOUT_FALSE_ALARM_RATE = 0.02
MAX_HELDOUT_QUESTION_RATE = 0.10


def cases(tables=TABLES):
    for name in tables:
        path = ROOT / "tests/redflags" / name
        yield from yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def language(text: str) -> str:
    if DEVANAGARI.search(text):
        return "hi"
    return "hinglish" if len(HINGLISH.findall(text)) >= 2 else "en"


def sample(pairs):
    """The first phrase of each key, in table order."""
    chosen = {}
    for key, text in pairs:
        chosen.setdefault(key, text)
    return chosen


def most_urgent(categories):
    """The category whose advice comes first: an EMERGENCY one if there is one."""
    return sorted(categories, key=lambda c: (LEVEL[c] != EMERGENCY, c))[0]


# (category, language) -> a phrase whose most urgent category is that one, confirmed; a
# category found only beside a less urgent one (cancer_limb) is sampled that way
FLAGGED = sample(
    ((most_urgent(c["expect"]), language(c["text"])), c["text"])
    for c in sorted(cases(), key=lambda c: len(c["expect"]))
    if c["expect"]
    and not c.get("possible")
    and (len(c["expect"]) == 1 or LEVEL[most_urgent(c["expect"])] == EMERGENCY)
)
# language -> a phrase with a possible emergency only (it gets the number and a question)
POSSIBLE = sample(
    (language(c["text"]), c["text"])
    for c in cases(TABLES[:2])
    if not c["expect"] and any(LEVEL[p] == EMERGENCY for p in c.get("possible", []))
)
# (kind of message, language) -> a phrase without a red flag
NO_FLAG = sample(
    ((c.get("note") or "plain", language(c["text"])), c["text"])
    for c in cases(TABLES[:2])
    if not c["expect"] and not c.get("possible")
)
HELDOUT_NO_FLAG_PHRASES = [c["text"] for c in cases(TABLES[2:]) if not c["expect"]]


# The advice comes in the language of the message (the `language` slot): its opening and
# the 24-hour wording of domain/safety.yml in English, Hinglish and Hindi.
EMERGENCY_OPENING = {"en": "⚠️ You mentioned", "hinglish": "⚠️ Aapne bataya", "hi": "⚠️ आपने बताया"}
WITHIN_24_HOURS = {"en": "within 24 hours", "hinglish": "24 ghante ke andar", "hi": "24 घंटे के अंदर"}


def first_text(replies):
    return next((r["text"] for r in replies if r.get("text")), "")


def test_the_sample_covers_every_category_in_every_language():
    assert {category for category, _ in FLAGGED} == set(LEVEL)
    assert {lang for _, lang in FLAGGED} == {"en", "hinglish", "hi"}
    assert len(FLAGGED) >= 2 * len(LEVEL)
    assert {lang for _, lang in NO_FLAG} == {"en", "hinglish", "hi"}
    assert set(POSSIBLE) == {"en", "hinglish", "hi"}


@pytest.mark.parametrize("key", sorted(FLAGGED), ids="-".join)
def test_a_red_flag_gets_its_advice_first(servers, key):
    category, lang = key
    replies = servers.say(f"red-flag-{category}-{lang}", FLAGGED[key])
    emergency = [r["custom"]["emergency"] for r in replies if "emergency" in r.get("custom", {})]
    if LEVEL[category] == EMERGENCY:
        assert first_text(replies).startswith(EMERGENCY_OPENING[lang]), replies
        assert emergency and emergency[0]["level"] == EMERGENCY and emergency[0]["call"]
    else:
        assert WITHIN_24_HOURS[lang] in first_text(replies), replies
        assert emergency and emergency[0]["level"] == "URGENT"


@pytest.mark.parametrize("lang", ["en", "hinglish", "hi"])
def test_a_possible_emergency_gets_the_number_and_the_question_first(servers, lang):
    replies = servers.say(f"possible-{lang}", POSSIBLE[lang])
    emergency = [r["custom"]["emergency"] for r in replies if "emergency" in r.get("custom", {})]
    assert first_text(replies).startswith("⚠️"), replies
    assert emergency and emergency[0] == {"level": "POSSIBLE", "call": "112", "hospital_line": ""}
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert payloads == [
        '/red_flag_now{"red_flag_answer": "yes"}',
        '/red_flag_now{"red_flag_answer": "no"}',
        '/red_flag_now{"red_flag_answer": "unsure"}',
    ]


@pytest.mark.parametrize("key", sorted(NO_FLAG), ids="-".join)
def test_a_message_without_a_red_flag_does_not_escalate(servers, key):
    replies = servers.say(f"no-flag-{'-'.join(key)}", NO_FLAG[key])
    assert not first_text(replies).startswith("⚠️"), (NO_FLAG[key], replies)


def test_false_alarms_on_the_blind_held_out_set_stay_rare(servers):
    assert len(HELDOUT_NO_FLAG_PHRASES) >= 50
    answers = [
        servers.say(f"heldout-no-flag-{number}", phrase)
        for number, phrase in enumerate(HELDOUT_NO_FLAG_PHRASES)
    ]
    levels = [
        next(
            (
                r["custom"]["emergency"]["level"]
                for r in replies
                if "emergency" in r.get("custom", {})
            ),
            None,
        )
        for replies in answers
    ]
    alarms = [p for p, level in zip(HELDOUT_NO_FLAG_PHRASES, levels) if level == EMERGENCY]
    asked = [p for p, level in zip(HELDOUT_NO_FLAG_PHRASES, levels) if level == "POSSIBLE"]
    assert len(alarms) / len(HELDOUT_NO_FLAG_PHRASES) <= MAX_HELDOUT_FALSE_ALARM_RATE, alarms
    assert len(asked) / len(HELDOUT_NO_FLAG_PHRASES) <= MAX_HELDOUT_QUESTION_RATE, asked
