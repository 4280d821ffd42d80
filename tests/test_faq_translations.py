"""The FAQ answers exist in English, Hindi (Devanagari) and Hinglish, and stay in step.

Each utter_faq/* response has the English variation first and without a condition, then
one variation for `language: hi` and one for `language: hinglish`. The three must offer
the same follow-up buttons (same payloads, titles short enough for WhatsApp), fill in the
same placeholders, and be written in the script their language is read in.
"""

import asyncio
import re
import unicodedata
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.nlg import PracticeNLG
from channels.whatsapp.cloud_output import BUTTON_TITLE

ROOT = Path(__file__).resolve().parents[1]
FAQ_FILE = ROOT / "data" / "responses" / "faq.yml"
LANGUAGES = ("hi", "hinglish")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Small Hindi words that English text does not contain; a Hinglish answer uses several.
HINDI_FUNCTION_WORDS = {
    "hai",
    "hain",
    "ka",
    "ki",
    "ke",
    "mein",
    "aur",
    "nahi",
    "se",
    "ko",
    "ho",
    "kya",
    "yeh",
    "woh",
    "par",
    "bhi",
    "to",
}

RESPONSES: Dict[str, List[Dict[str, Any]]] = yaml.safe_load(FAQ_FILE.read_text(encoding="utf-8"))[
    "responses"
]
FAQ_KEYS = sorted(key for key in RESPONSES if key.startswith("utter_faq/"))


def language_of(variation: Dict[str, Any]) -> str:
    """'en' for the unconditioned variation, else the value of its `language` condition."""
    conditions = variation.get("condition") or []
    if not conditions:
        return "en"
    assert len(conditions) == 1, conditions
    (condition,) = conditions
    assert condition.get("type") == "slot" and condition.get("name") == "language", condition
    return condition["value"]


def versions(key: str) -> Dict[str, Dict[str, Any]]:
    """The response's variations by language."""
    return {language_of(v): v for v in RESPONSES[key]}


def letters(text: str) -> List[str]:
    return [c for c in text if unicodedata.category(c).startswith("L")]


def script_share(text: str, script: str) -> float:
    """Share of the text's letters (and Devanagari vowel signs) that belong to `script`."""
    chars = [c for c in text if unicodedata.category(c)[0] in "LM"]
    return sum(unicodedata.name(c, "").startswith(script) for c in chars) / len(chars)


def test_all_eighteen_topics_are_there():
    assert len(FAQ_KEYS) == 18


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_one_variation_per_language_english_first_and_unconditioned(key):
    variations = RESPONSES[key]
    assert [language_of(v) for v in variations] == ["en", "hi", "hinglish"]
    assert "condition" not in variations[0]


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_hindi_is_written_in_devanagari(key):
    text = versions(key)["hi"]["text"]
    assert script_share(text, "DEVANAGARI") >= 0.9, text
    assert text == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_hinglish_is_hindi_in_latin_letters(key):
    text = versions(key)["hinglish"]["text"]
    assert all(unicodedata.name(c).startswith("LATIN") for c in letters(text)), text
    words = set(re.findall(r"[a-z]+", text.lower()))
    assert words & HINDI_FUNCTION_WORDS, text


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_same_placeholders_and_paragraphs_and_about_the_same_length(key):
    by_language = versions(key)
    english = by_language["en"]["text"]
    for language in LANGUAGES:
        text = by_language[language]["text"]
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english)), language
        assert text.count("\n\n") == english.count("\n\n"), language
        assert 0.7 <= len(text) / len(english) <= 1.5, (language, len(text), len(english))


@pytest.mark.parametrize("key", FAQ_KEYS)
def test_buttons_have_the_english_payloads_and_whatsapp_sized_titles(key):
    by_language = versions(key)
    english = [b["payload"] for b in by_language["en"]["buttons"]]
    for language, variation in by_language.items():
        assert [b["payload"] for b in variation["buttons"]] == english, language
        for button in variation["buttons"]:
            assert 0 < len(button["title"]) <= BUTTON_TITLE, (language, button["title"])


def test_a_follow_up_has_one_title_per_language_across_answers():
    titles: Dict[tuple, set] = {}
    for key in FAQ_KEYS:
        for language, variation in versions(key).items():
            for button in variation["buttons"]:
                titles.setdefault((language, button["payload"]), set()).add(button["title"])
    assert {k: v for k, v in titles.items() if len(v) > 1} == {}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain")).merge(Domain.from_dict({"responses": RESPONSES}))


@pytest.mark.parametrize("language", [None, "en", "hi", "hinglish"])
def test_the_language_slot_picks_the_variation(domain, language):
    events = [] if language is None else [SlotSet("language", language)]
    tracker = DialogueStateTracker.from_events("s", events, slots=domain.slots)
    reply = asyncio.run(PracticeNLG(domain=domain).generate("utter_faq/risks", tracker, "rest"))
    expected = versions("utter_faq/risks")[language or "en"]
    assert reply["text"] == expected["text"]
    assert reply["buttons"] == expected["buttons"]
