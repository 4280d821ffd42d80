"""Both WhatsApp channels inside the real Rasa server (slow: starts Rasa and the action server).

Two sets of servers start side by side: one configured for the Cloud API and Twilio (fake
Graph API, which also stands in for Twilio's Messages API; duplicates in Redis) and one
with the default environment of `make run` on a fresh machine (no WhatsApp secrets, no
Redis URL).

Conversations in Hindi and Hinglish, attachments, buttons and ratings:
test_end_to_end_conversations.py; the servers: tests/whatsapp/conftest.py.
"""

import asyncio
import json

import pytest
import requests

from harness.whatsapp import meta
from harness.whatsapp.load import simulate
from tests.whatsapp.real_servers import say, text_of

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def graph(real_graph):
    """The fake Graph API of the servers (conftest.py's, shared by both modules)."""
    return real_graph


def test_handshake_and_signature_checks_in_the_real_server(webhook):
    answer = requests.get(
        webhook.webhook,
        params={
            "hub.mode": "subscribe",
            "hub.challenge": "42",
            "hub.verify_token": meta.VERIFY_TOKEN,
        },
        timeout=10,
    )
    assert (answer.status_code, answer.text) == (200, "42")
    body, headers = meta.signed(meta.one("919000000001", meta.text("919000000001", "hi")), "forged")
    assert requests.post(webhook.webhook, data=body, headers=headers, timeout=10).status_code == 403


def test_a_red_flag_message_gets_the_emergency_advice_first(webhook, graph):
    patient = "919000000002"
    sent = say(
        webhook, graph, patient, meta.text(patient, "I can't control my bladder since yesterday")
    )
    assert sent, "no reply"
    first = text_of(sent[0])
    assert first.startswith("⚠️ You mentioned")
    assert "📞 112" in first
    assert all(
        '"emergency"' not in json.dumps(m) and "EMERGENCY" not in json.dumps(m) for m in sent
    )


def test_greeting_buttons_are_interactive_and_a_tap_sends_the_payload(webhook, graph):
    patient = "919000000003"
    sent = say(webhook, graph, patient, meta.text(patient, "hello"))
    interactive = [m for m in sent if m["type"] == "interactive"]
    assert interactive, sent
    buttons = interactive[-1]["interactive"]["action"]["buttons"]
    chosen = next(b["reply"] for b in buttons if b["reply"]["id"] == "p:/report_back_pain")
    say(webhook, graph, patient, meta.button_reply(patient, chosen["id"], chosen["title"]))
    tracker = webhook.tracker(patient, channel="whatsapp")
    assert tracker["latest_message"]["intent"]["name"] == "report_back_pain"
    assert tracker["latest_input_channel"] == "whatsapp"


def test_a_small_load_gets_exactly_one_reply_turn_per_message(webhook, graph):
    report = asyncio.run(simulate(webhook.webhook, graph, users=4, messages=5))
    assert (report.lost, report.doubled, report.unexpected, report.refused) == (0, 0, 0, 0)
    assert len(report.turn_times) == 20


def test_with_the_default_environment_rasa_answers_and_whatsapp_refuses(default):
    replies = default.say("fresh-machine-patient", "hello")
    assert replies and replies[0].get("text")
    body, headers = meta.signed(meta.one("919000000009", meta.text("919000000009", "hi")))
    unsigned = {"Content-Type": "application/json"}
    assert (
        requests.post(default.webhook, data=body, headers=unsigned, timeout=10).status_code == 403
    )
    assert requests.post(default.webhook, data=body, headers=headers, timeout=10).status_code == 403
    assert (
        requests.get(
            default.webhook,
            params={"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": ""},
            timeout=10,
        ).status_code
        == 403
    )
    assert (
        requests.post(
            default.twilio_webhook, data={"Body": "hi", "From": "whatsapp:+91"}, timeout=10
        ).status_code
        == 403
    )
    log = default.logs["rasa"].read_text()
    assert "no Redis URL" in log and "Redis unavailable" not in log


def test_the_whatsapp_number_never_appears_in_the_logs(webhook, graph):
    patient = "919000000077"
    say(webhook, graph, patient, meta.text(patient, "Namaste, mera naam Gurpreet hai"))
    for name, log in webhook.logs.items():
        content = log.read_text(errors="replace")
        assert patient not in content and "Gurpreet" not in content, name


def test_a_rest_caller_cannot_reach_a_whatsapp_patient_s_conversation(webhook, graph):
    """The finding: "sender": "<the patient's number>" on the REST channel read and changed
    the patient's half-filled appointment request."""
    patient = "919000000088"
    say(webhook, graph, patient, meta.text(patient, "I want to book an appointment"))
    say(webhook, graph, patient, meta.text(patient, "yes"))
    say(webhook, graph, patient, meta.text(patient, "Asha Verma"))
    before = webhook.tracker(patient, channel="whatsapp")
    assert before["slots"]["patient_name"] == "Asha Verma"
    for sender in (patient, f"whatsapp:{patient}", f"+{patient}"):
        replies = webhook.say(sender, "/affirm")
        assert "Asha" not in json.dumps(replies)
    after = webhook.tracker(patient, channel="whatsapp")
    assert len(after["events"]) == len(before["events"])
    assert after["slots"]["patient_name"] == "Asha Verma"


def test_delete_my_data_on_whatsapp_erases_the_conversation(webhook, graph):
    patient = "919000000099"
    say(webhook, graph, patient, meta.text(patient, "hello"))
    asked = say(webhook, graph, patient, meta.text(patient, "mera data delete karo"))
    assert any("delete" in text_of(m).lower() for m in asked), asked
    done = say(webhook, graph, patient, meta.text(patient, "haan"))
    assert any(text_of(m).startswith("Ho gaya") or text_of(m).startswith("Done") for m in done), (
        done
    )
    assert webhook.tracker(patient, channel="whatsapp")["events"] == [] or all(
        e["event"] != "user" for e in webhook.tracker(patient, channel="whatsapp")["events"]
    )
