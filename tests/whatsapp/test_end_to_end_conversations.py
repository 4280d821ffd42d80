"""WhatsApp conversations through the real Rasa and action servers (slow; the servers are
tests/whatsapp/conftest.py's, shared with test_end_to_end.py): Hindi and Hinglish, photo
captions on the Cloud API and Twilio, tapped answers to the safety and triage questions,
and the rating at goodbye.
"""

import re
from urllib.parse import urlencode

import pytest
import requests
from twilio.request_validator import RequestValidator

from harness.whatsapp import meta
from tests.whatsapp import test_twilio as twilio
from tests.whatsapp.real_servers import say, text_of

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def graph(real_graph):
    """The fake Graph API of the servers (conftest.py's, shared by both modules)."""
    return real_graph


DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def devanagari_share(text):
    letters = [c for c in text if c.isalpha() or DEVANAGARI.match(c)]
    return sum(bool(DEVANAGARI.match(c)) for c in letters) / max(1, len(letters))


def test_a_conversation_in_hindi_stays_in_hindi_with_tappable_numbers(webhook, graph):
    patient = "919000000011"
    sent = say(webhook, graph, patient, meta.text(patient, "नमस्ते, मुझे जानकारी चाहिए"))
    greeting = [m for m in sent if m["type"] == "interactive"][-1]
    assert devanagari_share(text_of(greeting)) > 0.8
    buttons = greeting["interactive"]["action"]["buttons"]
    titles = [b["reply"]["title"] for b in buttons]
    assert titles == ["काइफ़ोप्लास्टी", "लक्षण जाँचें", "अपॉइंटमेंट लें"]  # whole, not cut
    assert all(len(t) <= 20 for t in titles)  # Meta counts characters, not bytes
    assert [b["reply"]["id"] for b in buttons] == [
        "p:topic:kyphoplasty",
        "p:/report_back_pain",
        "p:/request_appointment",
    ]

    # a tapped button is language-neutral: the conversation stays in Hindi
    tapped = buttons[0]["reply"]
    sent = say(webhook, graph, patient, meta.button_reply(patient, tapped["id"], tapped["title"]))
    tracker = webhook.tracker(patient, channel="whatsapp")
    assert tracker["slots"]["language"] == "hi"
    assert (
        tracker["latest_message"]["response_selector"]["faq"]["response"]["intent_response_key"]
        == "faq/kyphoplasty"
    )

    sent = say(webhook, graph, patient, meta.text(patient, "डॉक्टर का फ़ोन नंबर क्या है"))
    contact = "\n".join(text_of(m) for m in sent)
    assert devanagari_share(contact) > 0.6
    assert "+91 11 4000 0000" in contact and "tel:" not in contact and "](" not in contact
    assert "this page" not in contact.lower()

    sent = say(webhook, graph, patient, meta.media(patient, "image"))
    assert text_of(sent[0]).startswith("माफ़ कीजिए, मैं सिर्फ़ लिखे हुए संदेश")
    assert "112" in text_of(sent[0])

    sent = say(webhook, graph, patient, meta.text(patient, "English please"))
    assert text_of(sent[0]).startswith("Okay, I'll write in English")
    assert webhook.tracker(patient, channel="whatsapp")["slots"]["language"] == "en"


def test_hinglish_is_answered_in_hinglish_and_ok_keeps_it(webhook, graph):
    patient = "919000000012"
    sent = say(webhook, graph, patient, meta.text(patient, "doctor se baat karni hai, number do"))
    reply = "\n".join(text_of(m) for m in sent)
    assert "par call karein" in reply and not DEVANAGARI.search(reply)
    say(webhook, graph, patient, meta.text(patient, "ok"))
    assert webhook.tracker(patient, channel="whatsapp")["slots"]["language"] == "hinglish"


def test_a_photo_caption_is_screened_and_answered_before_the_attachment_notice(webhook, graph):
    patient = "919000000031"
    sent = say(
        webhook,
        graph,
        patient,
        meta.media(patient, "image", caption="since the fall I can't control my bladder"),
    )
    assert text_of(sent[0]).startswith("⚠️ You mentioned"), sent
    assert "112" in text_of(sent[0])
    assert any("only read text" in text_of(m) for m in sent[1:]), sent
    slots = webhook.tracker(patient, channel="whatsapp")["slots"]
    assert slots["escalation_level"] == "EMERGENCY"


def twilio_say(servers, graph, fields):
    """Deliver one signed Twilio form; returns the texts Twilio was asked to send for it."""
    before = len(graph.sent)
    signature = RequestValidator(twilio.AUTH_TOKEN).compute_signature(
        servers.twilio_webhook, fields
    )
    response = requests.post(
        servers.twilio_webhook,
        data=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    graph.wait_for(before + 1, timeout=60)
    return [
        s.body.get("Body")
        for s in graph.settle(quiet=1.0, timeout=60)[before:]
        if s.body.get("To") == fields["From"]
    ]


def test_a_twilio_photo_caption_is_screened_and_answered_before_the_attachment_notice(
    webhook, graph
):
    patient = "whatsapp:+919000000041"
    photo = twilio.form(
        "since the fall I can't control my bladder",
        From=patient,
        WaId=patient.split("+")[1],
        NumMedia="1",
        MessageType="image",
        MediaContentType0="image/jpeg",
        MediaUrl0="https://api.twilio.com/media/ME41",
    )
    sent = twilio_say(webhook, graph, photo)
    assert sent[0].startswith("⚠️ You mentioned"), sent
    assert "112" in sent[0]
    assert any("only read text" in body for body in sent[1:]), sent
    tracker = webhook.tracker(patient, channel="twilio_whatsapp")
    assert tracker["latest_message"]["text"] == "since the fall I can't control my bladder"
    assert tracker["slots"]["escalation_level"] == "EMERGENCY"
    assert tracker["slots"]["escalation_categories"] == ["bladder"]


def choices(message):
    """(id, title) of an interactive message's buttons or list rows."""
    action = message["interactive"]["action"]
    if "buttons" in action:
        return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
    return [(row["id"], row["title"]) for section in action["sections"] for row in section["rows"]]


def tap(servers, graph, patient, message, title):
    """Tap the button (or list row) titled `title` of an interactive message sent earlier."""
    reply_id = next(i for i, t in choices(message) if t == title)
    if "buttons" in message["interactive"]["action"]:
        tapped = meta.button_reply(patient, reply_id, title)
    else:
        tapped = meta.list_reply(patient, reply_id, title)
    return say(servers, graph, patient, tapped)


def question_in(sent):
    """The last interactive message of a turn (the question asked with buttons)."""
    return [m for m in sent if m["type"] == "interactive"][-1]


def test_a_possible_emergency_is_asked_with_buttons_and_yes_escalates(webhook, graph):
    patient = "919000000042"
    sent = say(webhook, graph, patient, meta.text(patient, "I think maybe I can't feel my bottom"))
    question = question_in(sent)
    assert sent.index(question) == 0, sent  # the question comes first
    assert "If this is happening now" in text_of(question) and "112" in text_of(question)
    assert "Is this happening now?" in text_of(question)
    assert [t for _, t in choices(question)] == ["Yes, now", "No", "Not sure"]
    advice = tap(webhook, graph, patient, question, "Yes, now")
    said = text_of(advice[0])
    assert said.startswith("⚠️ You mentioned numbness around the genitals, bottom"), advice
    assert "emergency department now" in said
    slots = webhook.tracker(patient, channel="whatsapp")["slots"]
    assert slots["escalation_level"] == "EMERGENCY"
    assert slots["escalation_categories"] == ["saddle_numbness"]


def test_a_yes_tapped_on_an_older_triage_question_answers_that_question(webhook, graph):
    """Every triage button names its question: a late tap on the first question's "Yes"
    (bladder) is recorded for that question, and the advice comes first."""
    patient = "919000000043"
    first = question_in(say(webhook, graph, patient, meta.text(patient, "I have back pain")))
    assert "passing urine" in text_of(first)
    current = first
    for _ in range(4):  # bowel, saddle, leg weakness, ... each answered No
        current = question_in(tap(webhook, graph, patient, current, "No"))
    assert "go down into your legs" in text_of(current)
    replies = tap(webhook, graph, patient, first, "Yes")  # the first question's own button
    assert text_of(replies[0]).startswith("⚠️ You mentioned new trouble passing"), replies
    slots = webhook.tracker(patient, channel="whatsapp")["slots"]
    assert slots["triage_level"] == "EMERGENCY" and slots["escalation_level"] == "EMERGENCY"


def test_goodbye_ends_with_a_one_tap_rating_and_a_tap_is_recorded(webhook, graph):
    patient = "919000000051"
    sent = say(webhook, graph, patient, meta.text(patient, "bye"))
    rating = sent[-1]
    assert rating["type"] == "interactive", sent
    assert "Goodbye" in text_of(rating) and "Was this chat helpful?" in text_of(rating)
    buttons = [b["reply"] for b in rating["interactive"]["action"]["buttons"]]
    assert [b["title"] for b in buttons] == ["👍 Helpful", "👎 Not helpful"]
    assert buttons[0]["id"] == 'p:/feedback{"rating": "up", "feedback_topic": "conversation"}'
    sent = say(
        webhook, graph, patient, meta.button_reply(patient, buttons[0]["id"], buttons[0]["title"])
    )
    assert [text_of(m) for m in sent] == ["Thank you for your feedback."]
    latest = webhook.tracker(patient, channel="whatsapp")["latest_message"]
    assert latest["intent"]["name"] == "feedback"
    assert {e["entity"]: e["value"] for e in latest["entities"]} == {
        "rating": "up",
        "feedback_topic": "conversation",
    }


def test_the_rating_is_in_the_patient_s_language(webhook, graph):
    patient = "919000000052"
    say(webhook, graph, patient, meta.text(patient, "नमस्ते"))
    sent = say(webhook, graph, patient, meta.text(patient, "अलविदा"))
    rating = sent[-1]
    assert "क्या यह बातचीत मददगार रही?" in text_of(rating), sent
    titles = [b["reply"]["title"] for b in rating["interactive"]["action"]["buttons"]]
    assert titles == ["👍 मददगार", "👎 मददगार नहीं"]


def test_a_red_flag_typed_instead_of_a_rating_gets_the_emergency_advice(webhook, graph):
    patient = "919000000053"
    say(webhook, graph, patient, meta.text(patient, "bye"))
    sent = say(
        webhook, graph, patient, meta.text(patient, "I can't control my bladder since yesterday")
    )
    assert text_of(sent[0]).startswith("⚠️"), sent
    assert "112" in text_of(sent[0])
    slots = webhook.tracker(patient, channel="whatsapp")["slots"]
    assert slots["escalation_level"] == "EMERGENCY"
