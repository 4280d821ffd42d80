"""The patient's language over the REST channel, with both servers running: replies follow
the language of each clear message, short neutral answers keep it, explicit requests
switch it, and typed requests for the symptom check, the appointment form and a person
work in English, Hindi and Hinglish."""

import itertools
import re

import pytest

pytestmark = pytest.mark.servers

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_ids = itertools.count()


def sender():
    return f"language-{next(_ids)}"


def said(servers, who, message):
    return "\n\n".join(r["text"] for r in servers.say(who, message) if r.get("text"))


@pytest.mark.parametrize(
    "message",
    [
        "I want to check my back pain symptoms",
        "mujhe apne kamar dard ke lakshan check karwane hain",
        "मुझे अपने कमर दर्द के लक्षण जाँचने हैं",
    ],
)
def test_typed_requests_for_the_symptom_check(servers, message):
    who = sender()
    servers.say(who, message)
    assert servers.tracker(who)["active_loop"].get("name") == "triage_form"


@pytest.mark.parametrize(
    "message,notice,expected",
    [
        (
            "I'd like to book an appointment",
            "short privacy notice",
            "What is the patient's full name?",
        ),
        (
            "mujhe appointment book karna hai",
            "privacy ke baare mein",
            "Mareez ka poora naam kya hai?",
        ),
        ("मुझे अपॉइंटमेंट बुक करना है", "निजता", "मरीज़ का पूरा नाम क्या है?"),
    ],
)
def test_typed_requests_for_the_appointment_form_in_each_language(
    servers, message, notice, expected
):
    """The privacy notice and consent come first (DPDP), then the form's first question."""
    who = sender()
    assert notice in said(servers, who, message)
    assert expected in said(servers, who, "/affirm")


@pytest.mark.parametrize(
    "message,expected",
    [
        ("can I talk to a real person", "To speak to a person at the clinic, call"),
        ("doctor ka number kya hai", "Clinic mein kisi se baat karne ke liye"),
        ("मुझे किसी इंसान से बात करनी है", "क्लिनिक में किसी व्यक्ति से बात करने के लिए"),
    ],
)
def test_typed_requests_for_a_person_get_the_clinic_number(servers, message, expected):
    reply = said(servers, sender(), message)
    assert expected in reply and "(tel:+911140000000)" in reply


def test_neutral_answers_keep_the_language_and_requests_switch_it(servers):
    who = sender()
    assert "का वर्चुअल असिस्टेंट हूँ" in said(servers, who, "नमस्ते")
    for neutral in ("ok", "yes", "Ramesh Kumar"):
        servers.say(who, neutral)
        assert servers.tracker(who)["slots"]["language"] == "hi", neutral
    assert said(servers, who, "English please").startswith("Okay, I'll write in English")
    assert "Main sirf general jaankari" in said(servers, who, "namaste, kaise ho aap")
    assert said(servers, who, "हिंदी में बात करें").startswith("ठीक है, अब से मैं हिंदी में")
    assert said(servers, who, "Hinglish mein likho").startswith("Theek hai, ab se main Hinglish")


def test_a_topic_button_answers_its_topic_in_any_language(servers):
    who = sender()
    servers.say(who, "namaste ji, kaise ho")
    reply = said(servers, who, "topic:risks")
    assert (
        reply
        and servers.tracker(who)["latest_message"]["response_selector"]["faq"]["response"][
            "intent_response_key"
        ]
        == "faq/risks"
    )
    assert servers.tracker(who)["slots"]["language"] == "hinglish"
