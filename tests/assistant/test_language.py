"""Language per message: script first, then the Hinglish and English words of the lexicon."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.language import LanguageDetector
from assistant.language_screen import LanguageScreen

DETECTOR = LanguageDetector.shared()


@pytest.mark.parametrize(
    "text,language",
    [
        ("क्या यह दर्दनाक है?", "hi"),
        ("कितना खर्चा आएगा?", "hi"),
        ("मुझे kyphoplasty के बारे में बताइए", "hi"),
        ("kya yeh dard karta hai?", "hinglish"),
        ("doctor ka number kya hai", "hinglish"),
        ("meri kamar mein bahut dard hai", "hinglish"),
        ("my back mein dard hai", "hinglish"),
        ("kyphoplasty kya hai", "hinglish"),
        ("what is kyphoplasty?", "en"),
        ("I want to check my symptoms", "en"),
        ("is it safe at my age, I am 78", "en"),
    ],
)
def test_a_clear_message_names_its_language(text, language):
    assert DETECTOR.detect(text).language == language


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "OK!",
        "yes",
        "no",
        "haan",
        "nahi",
        "ji",
        "theek",
        "thank you",
        "namaste",
        "Risks",
        "Ramesh Kumar",
        "+91 98765 43210",
        "friday 5 pm",
        "👍",
        "",
        "/affirm",
        '/set_language{"language": "hi"}',
        "topic:risks",
    ],
)
def test_a_short_neutral_message_leaves_the_language_to_the_conversation(text):
    assert DETECTOR.detect(text).language is None


@pytest.mark.parametrize(
    "text,language",
    [
        ("Hindi mein baat karo", "hi"),
        ("hindi me batao please", "hi"),
        ("हिंदी में बात करें", "hi"),
        ("हिन्दी में", "hi"),
        ("can you speak in hindi?", "hi"),
        ("English please", "en"),
        ("speak English", "en"),
        ("please reply in english", "en"),
        ("अंग्रेज़ी में बात करें", "en"),
        ("english mein baat karo", "en"),
        ("Hinglish mein likho", "hinglish"),
        ("roman hindi please", "hinglish"),
    ],
)
def test_an_explicit_request_names_the_language_asked_for(text, language):
    detection = DETECTOR.detect(text)
    assert (detection.language, detection.switch) == (language, True)


def test_a_question_that_mentions_hindi_is_no_request():
    detection = DETECTOR.detect("is the hindi leaflet available for kyphoplasty")
    assert not detection.switch


def test_lexicon_lists_do_not_overlap():
    lexicon = {
        "thresholds": {"hinglish_min": 1, "hinglish_vs_english": 0.5, "english_min": 2},
        "hinglish_strong": ["hai"],
        "hinglish_weak": [],
        "english": ["hai"],
        "neutral": [],
        "switch": {},
    }
    with pytest.raises(ValueError, match="hai"):
        LanguageDetector(lexicon)


def parsed(text, intent="faq"):
    message = Message(
        {
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "intent_ranking": [{"name": intent, "confidence": 0.9}],
            "entities": [],
        }
    )
    LanguageScreen().process([message])
    return message


def test_component_adds_the_language_entity_that_fills_the_slot():
    message = parsed("kya yeh dard karta hai?")
    assert message.get("entities") == [
        {
            "entity": "language",
            "value": "hinglish",
            "start": 0,
            "end": 23,
            "confidence_entity": 1.0,
            "extractor": "LanguageScreen",
        }
    ]
    assert message.get("language_detection") == {
        "script": "latin",
        "detected": "hinglish",
        "switch": False,
    }
    assert message.get("intent")["name"] == "faq"


def test_component_adds_nothing_for_a_neutral_message():
    message = parsed("ok", intent="affirm")
    assert message.get("entities") == [] and message.get("intent")["name"] == "affirm"


def test_component_turns_a_request_into_set_language():
    message = parsed("Hindi mein baat karo", intent="nlu_fallback")
    assert message.get("intent") == {"name": "set_language", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "set_language"
    assert message.get("entities")[0]["value"] == "hi"
