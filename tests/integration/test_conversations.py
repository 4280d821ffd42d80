"""The assistant end to end over POST /webhooks/rest/webhook, with both servers running."""

import itertools
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from contract import conversation_id

ROOT = Path(__file__).resolve().parents[2]
FAQ_RESPONSES = yaml.safe_load((ROOT / "data/responses/faq.yml").read_text())["responses"]
FAQ_STORIES = yaml.safe_load((ROOT / "tests/stories/test_faq.yml").read_text())["stories"]
_ids = itertools.count()


def new_sender(prefix="patient"):
    return f"{prefix}-{next(_ids)}"


def texts(replies):
    return [r.get("text") for r in replies if r.get("text")]


def test_greeting_says_what_it_does_and_the_emergency_number(servers):
    [reply] = [r for r in servers.say(new_sender(), "hello") if r.get("text")]
    assert "not a diagnosis" in reply["text"] and "112" in reply["text"]
    assert [b["title"] for b in reply["buttons"]] == [
        "What is kyphoplasty?",
        "Check my symptoms",
        "Book an appointment",
    ]


@pytest.mark.parametrize("story", FAQ_STORIES, ids=lambda s: s["story"])
def test_every_topic_of_the_page_is_answered(servers, story):
    user_step = story["steps"][0]
    key = user_step["intent"].split("/")[1]
    expected = FAQ_RESPONSES[f"utter_faq/{key}"][0]["text"]
    replies = servers.say(new_sender(), user_step["user"].strip())
    assert "\n\n".join(texts(replies)) == expected


def test_out_of_scope_never_invents_a_medical_answer(servers):
    [reply] = servers.say(new_sender(), "what is the best diet for diabetes")
    assert reply["text"].startswith("Sorry, I can only help with")


def test_appointment_request_is_stored(servers):
    sender = new_sender("appointment")
    for message in [
        "I want to book an appointment",
        "yes",
        "Meena Gupta",
        "12345",
        "+91 98100 12345",
        "friday evening",
        "osteoporosis fracture consultation",
    ]:
        replies = servers.say(sender, message)
    assert "Shall I send it to the clinic?" in texts(replies)[-1]
    assert "+919810012345" in texts(replies)[-1]
    assert texts(servers.say(sender, "/affirm"))[0].startswith("Done: your request")
    url = f"sqlite:///{servers.logs['rasa'].parent / 'assistant.db'}"
    with create_engine(url).connect() as connection:
        rows = connection.execute(
            text(
                "select patient_name, phone, status from appointment_requests where sender_id = :s"
            ),
            {"s": conversation_id("rest", sender)},
        ).fetchall()
    assert rows == [("Meena Gupta", "+919810012345", "new")]


def test_cancelling_the_form_saves_nothing(servers):
    sender = new_sender("cancel")
    servers.say(sender, "I would like to book an appointment")
    assert texts(servers.say(sender, "cancel")) == ["Okay, I've stopped. Nothing was saved."]
    sender = new_sender("cancel")  # a patient writing Hinglish is answered in Hinglish
    servers.say(sender, "appointment chahiye")
    assert texts(servers.say(sender, "cancel")) == [
        "Theek hai, maine rok diya hai. Kuch bhi save nahi hua."
    ]


def tap(question, answer):
    """The payload of a triage button: it names its question."""
    return "/answer" + json.dumps({"tr_question": question, "tr_answer": answer})


SCREENING = [
    "tr_bladder",
    "tr_bowel",
    "tr_saddle",
    "tr_leg_weakness",
    "tr_leg_pain",
    "tr_injury",
    "tr_recent_procedure",
    "tr_cancer",
]
NO_SIGNS = [tap(q, "no") for q in SCREENING]
TRIAGE_PATHS = {
    "EMERGENCY": ["/affirm"],
    "URGENT": NO_SIGNS
    + [tap("tr_duration", "under_6_weeks"), tap("tr_severity", "mild"), tap("tr_fever", "unsure")],
    "ROUTINE": NO_SIGNS
    + [tap("tr_duration", "over_3_months"), tap("tr_severity", "severe")]
    + [tap(q, "no") for q in ("tr_fever", "tr_weight_loss", "tr_night_pain", "tr_tb_risk")],
    "SELF_CARE": NO_SIGNS
    + ["2 weeks", tap("tr_severity", "mild")]
    + [tap(q, "no") for q in ("tr_fever", "tr_weight_loss", "tr_night_pain", "tr_tb_risk")]
    + ["I am 45", tap("tr_care_helped", "yes")],
}
TRIAGE_OPENINGS = {
    "EMERGENCY": "⚠️ You mentioned new trouble passing",
    "URGENT": "Based on your answers (fever, chills or night sweats with back pain)",
    "ROUTINE": "Based on your answers (severe pain)",
    "SELF_CARE": "From your answers (mild pain; non-surgical care is helping)",
}
NEXT_STEPS = {
    "EMERGENCY": ["/call_emergency", "/request_human"],
    "URGENT": ["/request_appointment", "/request_human", "/call_emergency"],
    "ROUTINE": ["/request_appointment", "/request_human"],
    "SELF_CARE": ["/request_appointment", "/request_human"],
}


@pytest.mark.parametrize("level", TRIAGE_PATHS)
def test_triage_reaches_each_level(servers, level):
    sender = new_sender(f"triage-{level}")
    assert "quick questions" in texts(servers.say(sender, "I have back pain"))[0]
    for answer in TRIAGE_PATHS[level]:
        replies = servers.say(sender, answer)
    assert texts(replies)[0].startswith(TRIAGE_OPENINGS[level])
    last = [r for r in replies if r.get("text")][-1]  # a `custom` part comes as its own message
    assert [b["payload"] for b in last["buttons"]] == NEXT_STEPS[level]
    assert "112" in last["text"]
    assert servers.tracker(sender)["slots"]["triage_level"] == level


def test_typed_hinglish_answers_and_an_unclear_one(servers):
    sender = new_sender("triage-typed")
    servers.say(sender, "symptoms check karna hai")
    unclear = texts(servers.say(sender, "purple"))  # the conversation is in Hinglish
    assert unclear[0].startswith("Maaf kijiye, yeh jawab samajh nahi aaya")
    assert "peshab karne mein" in unclear[1]
    assert "potty (latrine) par control" in texts(servers.say(sender, "nahi"))[0]
    servers.say(sender, "haan thoda")  # a new problem controlling stool
    assert servers.tracker(sender)["slots"]["triage_level"] == "EMERGENCY"


def test_a_yes_tapped_on_an_older_question_answers_that_question(servers):
    sender = new_sender("triage-stale")
    first = [r for r in servers.say(sender, "I have back pain") if r.get("buttons")][-1]
    assert "passing urine" in first["text"]
    for question in SCREENING[:4]:
        replies = servers.say(sender, tap(question, "no"))
    assert "go down into your legs" in texts(replies)[0]
    yes = first["buttons"][0]
    assert yes["title"] == "Yes"
    replies = servers.say(sender, yes["payload"])  # the first question's own button, tapped now
    assert texts(replies)[0].startswith("⚠️ You mentioned new trouble passing")  # advice first
    slots = servers.tracker(sender)["slots"]
    assert slots["triage_level"] == "EMERGENCY" and slots["escalation_level"] == "EMERGENCY"


def test_after_an_emergency_the_conversation_stays_on_the_advice(servers):
    sender = new_sender("after-emergency")
    assert texts(servers.say(sender, "my legs are going weak"))[0].startswith("⚠️")
    for message in ["hi", "thanks", "what is kyphoplasty", "I want an appointment"]:
        assert texts(servers.say(sender, message))[0].startswith("⚠️ Please don't wait")
    slots = servers.tracker(sender)["slots"]
    assert slots["escalation_level"] == "EMERGENCY" and slots["escalation_categories"] == [
        "leg_weakness"
    ]


def test_parse_result_carries_red_flags_and_needs_the_token(servers):
    import requests

    parsed = servers.parse("peshab ruk gaya hai")
    [flag] = parsed["red_flags"]
    assert (flag["category"], flag["level"]) == ("bladder", "EMERGENCY")
    assert flag["text"].startswith("peshab ruk") and flag["text"] in "peshab ruk gaya hai"
    assert parsed["intent"]["name"] == "red_flag_emergency"
    assert servers.parse("what is sacroplasty")["red_flags"] == []
    assert requests.post(f"{servers.rasa_url}/model/parse", json={"text": "hi"}).status_code == 401
