"""The practice's settings and the Rasa server's NLG: language versions, contact details."""

import asyncio
import re
from functools import lru_cache
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.contact_values import contact_values
from assistant.nlg import PracticeNLG
from assistant.settings import practice

ROOT = Path(__file__).resolve().parents[2]
DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def test_defaults_use_112():
    settings = practice({})
    assert settings.emergency_number == "112" and settings.emergency_lines == "112"


def test_hospital_line_is_added_when_configured():
    settings = practice({"EMERGENCY_NUMBER": "108", "HOSPITAL_EMERGENCY_LINE": "011-4055-4055"})
    assert settings.emergency_lines == "108 or the hospital's emergency line 011-4055-4055"


def test_contact_settings_left_at_their_example_values_are_reported():
    assert practice({}).missing() == [
        "CLINIC_PHONE",
        "CLINIC_ADDRESS",
        "CLINIC_HOURS",
        "BOOKING_URL",
    ]
    assert "CLINIC_PHONE" not in practice({"CLINIC_PHONE": "011 4055 4055"}).missing()


@lru_cache(maxsize=1)
def load_domain():
    return Domain.load(str(ROOT / "domain"))


def tracker_in(language=None, parse_data=None):
    events = [SlotSet("language", language)] if language else []
    if parse_data is not None:
        events.append(UserUttered(parse_data.get("text", ""), parse_data=parse_data))
    return DialogueStateTracker.from_events("s", events, slots=load_domain().slots)


def render(response, monkeypatch, language=None, channel="rest", parse_data=None, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nlg = PracticeNLG(domain=load_domain())
    return asyncio.run(nlg.generate(response, tracker_in(language, parse_data), channel))


def test_emergency_advice_carries_the_configured_numbers(monkeypatch):
    message = render(
        "utter_emergency_advice",
        monkeypatch,
        EMERGENCY_NUMBER="108",
        HOSPITAL_EMERGENCY_LINE="011-4055-4055",
        PRACTICE_NAME="Test Hospital",
    )
    assert (
        "call 108 or the hospital's emergency line [+91 11 4055 4055](tel:+911140554055)"
        in message["text"]
    )
    assert "emergency department now" in message["text"]
    assert message["custom"] == {
        "emergency": {"level": "EMERGENCY", "call": "108", "hospital_line": "011-4055-4055"}
    }


def test_greeting_names_the_configured_practice(monkeypatch):
    message = render("utter_greet", monkeypatch, PRACTICE_NAME="Test Hospital")
    assert "virtual assistant of Test Hospital" in message["text"]


def test_the_same_response_follows_the_conversation_language(monkeypatch):
    english = render("utter_greet", monkeypatch)
    hindi = render("utter_greet", monkeypatch, language="hi")
    hinglish = render("utter_greet", monkeypatch, language="hinglish")
    assert english["text"].startswith("Namaste! I'm the virtual assistant")
    assert hindi["text"].startswith("नमस्ते! मैं") and len(DEVANAGARI.findall(hindi["text"])) > 100
    assert hinglish["text"].startswith("Namaste! Main") and not DEVANAGARI.search(hinglish["text"])
    assert "112" in hindi["text"] and "112" in hinglish["text"]
    assert [b["payload"] for b in hindi["buttons"]] == [b["payload"] for b in english["buttons"]]
    assert (english["language"], hindi["language"], hinglish["language"]) == (
        "en",
        "hi",
        "hinglish",
    )


def test_hospital_line_joins_in_the_conversation_language(monkeypatch):
    message = render(
        "utter_goodbye",
        monkeypatch,
        language="hi",
        channel="whatsapp",
        HOSPITAL_EMERGENCY_LINE="011 4055 4055",
    )
    assert "112 या अस्पताल की इमरजेंसी लाइन +91 11 4055 4055 पर कॉल करें" in message["text"]


def test_the_clinic_number_is_a_tel_link_on_the_web_and_international_on_whatsapp(monkeypatch):
    env = {"CLINIC_PHONE": "011 4055 5000", "BOOKING_URL": "https://clinic.test/book"}
    web = render("utter_human_contact", monkeypatch, channel="socketio", **env)["text"]
    whatsapp = render("utter_human_contact", monkeypatch, channel="whatsapp", **env)["text"]
    twilio = render(
        "utter_human_contact", monkeypatch, language="hinglish", channel="twilio_whatsapp", **env
    )["text"]
    assert "[+91 11 4055 5000](tel:+911140555000)" in web
    assert "[Book an appointment online](https://clinic.test/book)" in web
    assert "+91 11 4055 5000" in whatsapp and "tel:" not in whatsapp and "](" not in whatsapp
    assert "https://clinic.test/book" in whatsapp
    assert "+91 11 4055 5000 par call karein" in twilio


def test_doctor_number_and_unanswerable_questions_get_the_clinic_details(monkeypatch):
    for response in ("utter_human_contact", "utter_out_of_scope", "utter_default"):
        for language in (None, "hi", "hinglish"):
            text = render(
                response,
                monkeypatch,
                language=language,
                channel="whatsapp",
                CLINIC_PHONE="+91 11 4055 5000",
            )["text"]
            assert "+91 11 4055 5000" in text, (response, language)


def test_contact_values_exist_for_every_language_and_channel():
    settings = practice({"HOSPITAL_EMERGENCY_LINE": "011 4055 4055", "CLINIC_HOURS_HI": "सोम–शनि"})
    for language in ("en", "hi", "hinglish"):
        for kind in ("web", "whatsapp"):
            values = contact_values(settings, language, kind)
            assert values["emergency_number"] == "112"
            assert "112" in values["emergency_lines"] and "4055" in values["emergency_lines"]
    assert contact_values(settings, "hi", "web")["clinic_hours"] == "सोम–शनि"
    assert contact_values(settings, "hinglish", "web")["clinic_hours"] == settings.clinic_hours


def test_did_you_mean_keeps_only_the_candidate_topics_best_first(monkeypatch):
    parse = {
        "text": "x",
        "intent": {"name": "faq_unsure", "confidence": 0.7},
        "faq_candidates": [
            {"topic": "recovery", "confidence": 0.4},
            {"topic": "risks", "confidence": 0.35},
        ],
    }
    message = render("utter_faq_did_you_mean", monkeypatch, language="hi", parse_data=parse)
    assert [b["payload"] for b in message["buttons"]] == ["topic:recovery", "topic:risks"]
    assert [b["title"] for b in message["buttons"]] == ["ठीक होने में समय", "जोखिम"]


def test_no_response_is_left_with_an_unfilled_placeholder(monkeypatch):
    for name in load_domain().responses:
        if name in {
            "utter_ask_appointment_confirmed",
            "utter_appointment_saved",
            "utter_triage_urgent",
            "utter_triage_routine",
        }:
            continue  # filled from form slots or by the action that utters them
        for language in (None, "hi", "hinglish"):
            text = render(name, monkeypatch, language=language)["text"]
            assert "{" not in text, (name, language)


def test_button_payloads_are_sent_as_written_and_never_templated(monkeypatch):
    """`/inform{"tr_severity": "severe"}` is no placeholder: Rasa's templating logged an
    ERROR for each such button (seven in a triage conversation) before PracticeNLG."""
    from rasa.core.nlg import interpolator

    templated: list = []
    real = interpolator.interpolate_text

    def recording(text, values):
        templated.append(text)
        return real(text, values)

    monkeypatch.setattr(interpolator, "interpolate_text", recording)
    domain = load_domain()
    with_payloads = {
        name: [
            b["payload"]
            for v in variations
            for b in v.get("buttons", [])
            if "{" in b.get("payload", "")
        ]
        for name, variations in domain.responses.items()
    }
    with_payloads = {name: payloads for name, payloads in with_payloads.items() if payloads}
    assert with_payloads, "the domain has buttons with entity payloads to check"
    for name, payloads in with_payloads.items():
        message = render(name, monkeypatch)
        sent = [button["payload"] for button in message["buttons"]]
        assert set(sent) <= set(payloads) and len(sent) == len(set(sent)), name
        assert all("{" in payload for payload in sent), name
    assert templated, "the rest of each response is still filled"
    assert not [text for text in templated if text.startswith("/")]


def test_building_the_nlg_changes_nothing_outside_it():
    from rasa.core.actions.action import RemoteAction

    before = RemoteAction.__dict__["_validate_action_result"]
    PracticeNLG(domain=Domain.empty())
    assert RemoteAction.__dict__["_validate_action_result"] is before


def test_the_channel_labels_are_rendered_once_per_language_and_kept(monkeypatch):
    from assistant import channel_labels

    channel_labels.keep({})
    nlg = PracticeNLG(domain=None)  # Rasa builds it before loading the model ...
    assert channel_labels.labels_for("hi") == {}
    nlg.responses = load_domain().responses  # ... then hands it the model's responses
    assert channel_labels.labels_for("hi")["choose_number"] == "अपनी पसंद का नंबर लिखकर भेजें।"
    assert channel_labels.labels_for("hinglish")["list_button"] == "Chunein"
    assert "112" in channel_labels.labels_for("en")["not_text"]
    assert channel_labels.labels_for(None) == {}


HOSPITAL_LINE = {"HOSPITAL_EMERGENCY_LINE": "011 4055 4055"}
SAFETY_RESPONSES = (
    "utter_emergency_advice",
    "utter_ask_red_flag_now",
    "utter_red_flag_not_now",
    "utter_urgent_advice",
    "utter_urgent_advice_possible",
    "utter_emergency_reminder",
)
JOINED_LINE = {
    None: "112 or the hospital's emergency line {}",
    "hi": "112 या अस्पताल की इमरजेंसी लाइन {}",
    "hinglish": "112 ya hospital ki emergency line {}",
}


def test_a_configured_hospital_line_is_in_the_emergency_advice_in_english(monkeypatch):
    assert_hospital_line_in_safety_answers(monkeypatch, None)


def test_a_configured_hospital_line_is_in_the_emergency_advice_in_hindi(monkeypatch):
    assert_hospital_line_in_safety_answers(monkeypatch, "hi")


def test_a_configured_hospital_line_is_in_the_emergency_advice_in_hinglish(monkeypatch):
    assert_hospital_line_in_safety_answers(monkeypatch, "hinglish")


def assert_hospital_line_in_safety_answers(monkeypatch, language):
    """Every red-flag answer names 112 and the hospital's line, tappable on each channel."""
    for name in SAFETY_RESPONSES:
        web = render(name, monkeypatch, language=language, channel="socketio", **HOSPITAL_LINE)
        whatsapp = render(name, monkeypatch, language=language, channel="whatsapp", **HOSPITAL_LINE)
        link = "[+91 11 4055 4055](tel:+911140554055)"
        assert JOINED_LINE[language].format(link) in web["text"], (name, web["text"])
        assert JOINED_LINE[language].format("+91 11 4055 4055") in whatsapp["text"], name
    monkeypatch.setenv("HOSPITAL_EMERGENCY_LINE", "")
    unset = render("utter_emergency_advice", monkeypatch, language=language)["text"]
    assert "112" in unset and "4055" not in unset and "emergency line" not in unset


VERSIONS = {
    "en": "trouble passing or controlling urine",
    "hi": "पेशाब करने या उस पर काबू रखने में दिक्कत",
    "hinglish": "peshab karne ya us par control rakhne mein dikkat",
}


def tracker_with(language, **slots):
    events = [SlotSet("language", language)] + [SlotSet(k, v) for k, v in slots.items()]
    return DialogueStateTracker.from_events("s", events, slots=load_domain().slots)


def generate(name, state, channel="rest"):
    return asyncio.run(PracticeNLG(domain=load_domain()).generate(name, state, channel))


def test_the_red_flag_summary_is_given_in_the_language_of_the_reply():
    """Named in English (slot in English), answered later in Hindi and in Hinglish: the
    reply names the sign in its own language, never half in English."""
    for language in ("en", "hi", "hinglish"):
        state = tracker_with(
            language, red_flag_summary=VERSIONS["en"], red_flag_summary_versions=VERSIONS
        )
        for name in ("utter_emergency_reminder", "utter_emergency_advice"):
            text = generate(name, state)["text"]
            assert VERSIONS[language] in text, (name, language, text)
            if language != "en":
                assert VERSIONS["en"] not in text, (name, language)


def test_a_summary_an_action_set_alone_is_given_as_set():
    """The triage result sets the slot to its reason (in the patient's language) without
    versions; versions of an earlier sign must not replace it."""
    state = tracker_with(
        "hi", red_flag_summary="पैरों में कमज़ोरी (ट्राइएज)", red_flag_summary_versions=VERSIONS
    )
    text = generate("utter_emergency_reminder", state)["text"]
    assert "पैरों में कमज़ोरी (ट्राइएज)" in text and VERSIONS["hi"] not in text


def test_an_unnamed_sign_is_worded_in_the_language_of_the_reply():
    english = generate("utter_emergency_advice", tracker_with("en"))["text"]
    hindi = generate("utter_emergency_advice", tracker_with("hi"))["text"]
    hinglish = generate("utter_emergency_advice", tracker_with("hinglish"))["text"]
    assert "a possible warning sign" in english
    assert "ख़तरे का एक संभावित लक्षण" in hindi and "warning sign" not in hindi
    assert "khatre ka ek sambhavit lakshan" in hinglish and "warning sign" not in hinglish


def test_goodbye_on_whatsapp_ends_with_the_rating_buttons(monkeypatch):
    for channel in ("whatsapp", "twilio_whatsapp"):
        message = render("utter_goodbye", monkeypatch, channel=channel)
        assert message["text"].startswith("Goodbye, and take care.")
        assert message["text"].endswith("\n\nWas this chat helpful?")
        assert message["buttons"] == [
            {
                "title": "👍 Helpful",
                "payload": '/feedback{"rating": "up", "feedback_topic": "conversation"}',
            },
            {
                "title": "👎 Not helpful",
                "payload": '/feedback{"rating": "down", "feedback_topic": "conversation"}',
            },
        ]
    hinglish = render("utter_goodbye", monkeypatch, language="hinglish", channel="whatsapp")
    assert hinglish["text"].endswith("Kya yeh chat madadgaar rahi?")
    assert [b["title"] for b in hinglish["buttons"]] == ["👍 Madadgaar", "👎 Madadgaar nahi"]


def test_goodbye_on_the_web_has_no_rating(monkeypatch):
    for channel in ("socketio", "rest"):
        message = render("utter_goodbye", monkeypatch, channel=channel)
        assert "helpful" not in message["text"] and not message.get("buttons")
