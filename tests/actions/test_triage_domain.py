"""The triage form's domain: questions, buttons and results in three languages, bound buttons."""

import asyncio
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from actions.triage_questions import QUESTIONS, TRIAGE_SLOTS
from actions.triage_rules import RULES
from assistant.nlg import PracticeNLG

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "hi", "hinglish")
DEVANAGARI = re.compile(r"[\u0900-\u097f]")
RESULTS = [
    "utter_triage_urgent",
    "utter_triage_routine",
    "utter_triage_self_care",
    "utter_triage_next_steps_emergency",
]
FORM_MESSAGES = [
    "utter_triage_intro",
    "utter_unclear_answer",
    "utter_triage_cancelled",
    "utter_triage_answer_updated",
    "utter_triage_answer_kept",
    "utter_call_emergency",
    "utter_triage_late_answer",
]
TRIAGE_RESPONSES = [f"utter_ask_{slot}" for slot in TRIAGE_SLOTS] + RESULTS + FORM_MESSAGES
NEXT_STEPS = {
    "utter_triage_urgent": ["/request_appointment", "/request_human", "/call_emergency"],
    "utter_triage_routine": ["/request_appointment", "/request_human"],
    "utter_triage_self_care": ["/request_appointment", "/request_human"],
    "utter_triage_next_steps_emergency": ["/call_emergency", "/request_human"],
}
WARNING_SIGNS = {
    "en": ["legs", "both legs", "between", "urine or stool", "chest pain"],
    "hi": ["पैरों", "दोनों पैरों", "टाँगों के बीच", "पेशाब", "सीने"],
    "hinglish": ["pairon", "dono pairon", "taangon ke beech", "peshab", "seene"],
}


@lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def language_of(variation) -> str:
    conditions = variation.get("condition") or []
    assert len(conditions) <= 1
    return conditions[0]["value"] if conditions else "en"


def render(name: str, language: str) -> dict:
    tracker = DialogueStateTracker.from_events(
        "s", [SlotSet("language", language)], slots=domain().slots
    )
    return asyncio.run(PracticeNLG(domain=domain()).generate(name, tracker, "rest"))


@pytest.mark.parametrize("name", TRIAGE_RESPONSES)
def test_every_triage_message_exists_in_english_hindi_and_hinglish(name):
    variations = domain().responses[name]
    assert sorted(language_of(v) for v in variations) == sorted(LANGUAGES)
    for variation in variations:
        for condition in variation.get("condition") or []:
            assert (condition["type"], condition["name"]) == ("slot", "language")
        text = variation["text"]
        if language_of(variation) == "hi":
            assert DEVANAGARI.search(text), name
        else:
            assert not DEVANAGARI.search(text), name


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", TRIAGE_RESPONSES)
def test_the_conversation_language_picks_the_variation(name, language):
    text = render(name, language)["text"]
    assert bool(DEVANAGARI.search(text)) == (language == "hi")


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.slot)
def test_every_button_names_its_own_question(question):
    for variation in domain().responses[f"utter_ask_{question.slot}"]:
        payloads = [button["payload"] for button in variation["buttons"]]
        assert all(p.startswith("/answer{") for p in payloads)
        bound = [json.loads(p[len("/answer") :]) for p in payloads]
        assert [b["tr_question"] for b in bound] == [question.slot] * len(question.answers)
        assert [b["tr_answer"] for b in bound] == list(question.answers)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", TRIAGE_RESPONSES)
def test_button_titles_fit_whatsapp(name, language):
    for button in render(name, language).get("buttons") or []:
        assert 0 < len(button["title"]) <= 20, button["title"]


@pytest.mark.parametrize("name", RESULTS + ["utter_triage_cancelled", "utter_call_emergency"])
def test_every_version_of_the_advice_carries_the_emergency_number(name):
    for variation in domain().responses[name]:
        assert "{emergency_number}" in variation["text"], (name, language_of(variation))


@pytest.mark.parametrize("name", RESULTS)
def test_every_result_ends_with_next_steps_and_lists_the_warning_signs(name):
    for variation in domain().responses[name]:
        assert [b["payload"] for b in variation["buttons"]] == NEXT_STEPS[name]
        assert "{practice_contact}" in variation["text"]
        for words in WARNING_SIGNS[language_of(variation)]:
            assert words in variation["text"], (name, language_of(variation), words)


def test_urgent_and_emergency_results_carry_the_number_for_tap_to_call():
    names = ["utter_triage_urgent", "utter_triage_next_steps_emergency", "utter_call_emergency"]
    for name in names:
        for variation in domain().responses[name]:
            assert variation["custom"]["emergency"]["call"] == "{emergency_number}"


def test_self_care_wording_does_not_assume_severe_pain():
    for language in LANGUAGES:
        text = render("utter_triage_self_care", language)["text"].lower()
        assert "stays severe" not in text and "remains severe" not in text


def test_questions_use_plain_words_and_ask_about_washing():
    for name in TRIAGE_RESPONSES:
        for variation in domain().responses[name]:
            text = variation["text"].lower()
            for idiom in ("open your bowels", "back passage", "open them"):
                assert idiom not in text, (name, idiom)
            if "wipe" in text:
                assert "wash" in text, name
    saddle = {language_of(v): v["text"] for v in domain().responses["utter_ask_tr_saddle"]}
    assert "wash" in saddle["en"] and "धोते" in saddle["hi"] and "dhote" in saddle["hinglish"]
    bowel = {language_of(v): v["text"] for v in domain().responses["utter_ask_tr_bowel"]}
    assert "potty" in bowel["en"] and "पॉटी" in bowel["hi"] and "potty" in bowel["hinglish"]


def test_the_form_and_its_slots_match_the_questions():
    assert domain().forms["triage_form"]["required_slots"] == list(TRIAGE_SLOTS)
    slots = {slot.name: slot for slot in domain().slots}
    for question in QUESTIONS:
        slot = slots[question.slot]
        assert [v for v in slot.values if v != "__other__"] == list(question.answers)
        assert slot.mappings == [{"type": "custom"}] and not slot.influence_conversation
    assert {"answer", "call_emergency"} <= set(domain().intent_properties)


def test_every_reason_is_written_in_three_languages():
    for rule in RULES:
        assert set(rule.reason) == set(LANGUAGES)
        assert DEVANAGARI.search(rule.reason["hi"])
        assert not DEVANAGARI.search(rule.reason["en"] + rule.reason["hinglish"])
