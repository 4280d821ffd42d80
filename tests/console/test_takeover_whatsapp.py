"""Live takeover of WhatsApp conversations, through the Cloud API and through Twilio.

The real Rasa and action servers run with both WhatsApp channels pointed at the fake
Graph API (which also plays Twilio's Messages API); the console runs in this process,
reading the servers' tracker store and reaching their HTTP API with the token. Patients
write through the signed webhooks; the clinician takes over, writes, sees the patient's
replies and red flags, and hands back. Outside WhatsApp's 24-hour window nothing is sent
and the console says why.
"""

import json
import sqlite3
import time
from io import StringIO
from urllib.parse import urlencode

import pytest
import requests
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from twilio.request_validator import RequestValidator

from console.staff.models import AuditEntry, Conversation
from console.staff.sync import sync
from console.takeover.models import Takeover
from harness.processes import free_port
from harness.servers import AUTH_TOKEN, assistant_servers
from harness.whatsapp import meta
from harness.whatsapp.fake_graph import FakeGraph
from tests.whatsapp.test_twilio import ACCOUNT_SID, BUSINESS, form
from tests.whatsapp.test_twilio import AUTH_TOKEN as TWILIO_TOKEN

pytestmark = pytest.mark.servers
STARTED = "A member of the clinic's team is now replying"
STARTED_HINDI = "अब क्लिनिक की टीम का एक सदस्य यहाँ आपको ख़ुद जवाब दे रहा है"
STARTED_HINGLISH = "Ab clinic ki team ka ek member yahan aapko khud jawab de raha hai"
ENDED = "handed this conversation back to the assistant"
NO_REPLY = "no one from the clinic's team has been able to reply yet"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(scope="module")
def graph():
    with FakeGraph() as fake:
        yield fake


@pytest.fixture(scope="module")
def servers(tmp_path_factory, graph):
    port = free_port()
    env = {
        "WHATSAPP_VERIFY_TOKEN": meta.VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": meta.APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": meta.ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": meta.PHONE_NUMBER_ID,
        "WHATSAPP_GRAPH_BASE_URL": graph.url,
        "WHATSAPP_REDIS_URL": "",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": BUSINESS,
        "TWILIO_WEBHOOK_PUBLIC_URL": f"http://127.0.0.1:{port}/webhooks/twilio_whatsapp/webhook",
        "TWILIO_API_BASE_URL": graph.url,
    }
    with assistant_servers(
        tmp_path_factory.mktemp("takeover-wa"), rasa_port=port, extra_env=env
    ) as running:
        yield running


@pytest.fixture
def console(servers, db, monkeypatch):
    monkeypatch.setenv("CONSOLE_RASA_URL", servers.rasa_url)
    monkeypatch.setenv("RASA_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TAKEOVER_NO_REPLY_SECONDS", "3600")
    with override_settings(TRACKER_DATABASE_URL=servers.env["DATABASE_URL"]):
        yield servers


def cloud_says(servers, wa_id, text):
    body, headers = meta.signed(meta.one(wa_id, meta.text(wa_id, text)))
    url = f"{servers.rasa_url}/webhooks/whatsapp/webhook"
    assert requests.post(url, data=body, headers=headers, timeout=30).status_code == 200


def twilio_says(servers, patient, text):
    url = servers.env["TWILIO_WEBHOOK_PUBLIC_URL"]
    fields = form(text, From=patient, WaId=patient.split("+")[-1])
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, fields)
    response = requests.post(
        url,
        data=urlencode(fields),
        timeout=30,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
        },
    )
    assert response.status_code == 200


def cloud_texts(graph, wa_id, before):
    """Texts sent to `wa_id` by the Cloud channel since `before` requests."""
    out = []
    for sent in graph.settle(quiet=1.5, timeout=90)[before:]:
        body = sent.body
        if body.get("to") != wa_id:
            continue
        if body.get("type") == "text":
            out.append(body["text"]["body"])
        elif body.get("type") == "interactive":
            out.append(body["interactive"]["body"]["text"])
    return out


def twilio_texts(graph, patient, before):
    return [
        s.body.get("Body")
        for s in graph.settle(quiet=1.5, timeout=90)[before:]
        if s.body.get("To") == patient
    ]


def wait_for_reply(graph, before):
    graph.wait_for(before + 1, timeout=90)


def conversation(sender_id):
    sync()
    return Conversation.objects.get(sender_id=sender_id)


def feed(client, pk, after=0):
    response = client.get(reverse("takeover:feed", args=[pk]), {"after": after})
    assert response.status_code == 200
    return response.json()


def close_window(servers, sender_id):
    """The patient's messages as if written 25 hours ago."""
    path = servers.env["DATABASE_URL"].split(":///", 1)[1]
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE events SET timestamp = timestamp - 90000 WHERE sender_id = ?", (sender_id,)
        )


def test_cloud_api_takeover_both_ways_red_flag_no_reply_notice_and_hand_back(
    console, graph, client_for, monkeypatch
):
    servers, wa_id = console, "919000000301"
    before = len(graph.sent)
    cloud_says(servers, wa_id, "hello")
    wait_for_reply(graph, before)
    chat = conversation(f"whatsapp:{wa_id}")
    clinician = client_for("clinician")

    before = len(graph.sent)
    response = clinician.post(reverse("takeover:start", args=[chat.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("takeover:live", args=[chat.pk])
    assert any(STARTED in t for t in cloud_texts(graph, wa_id, before))

    before = len(graph.sent)
    answer = clinician.post(
        reverse("takeover:send", args=[chat.pk]),
        {"text": "Hello, Dr Rao here. How are you feeling?"},
        **JSON,
    )
    assert answer.json() == {"sent": True}
    assert cloud_texts(graph, wa_id, before) == ["Hello, Dr Rao here. How are you feeling?"]

    # The patient's reply shows in the console; the assistant does not answer it.
    before = len(graph.sent)
    cloud_says(servers, wa_id, "Better today, thank you")
    assert cloud_texts(graph, wa_id, before) == []
    shown = feed(clinician, chat.pk)
    assert [i["text"] for i in shown["items"] if i["from"] == "patient"] == [
        "Better today, thank you"
    ]
    assert shown["alerts"] == [] and shown["window_open"] and shown["mine"]

    # A red flag: the emergency advice still goes out at once, and the clinician is alerted.
    before = len(graph.sent)
    cloud_says(servers, wa_id, "I can't control my bladder since yesterday")
    advice = cloud_texts(graph, wa_id, before)
    assert advice and advice[0].startswith("⚠️ You mentioned"), advice
    shown = feed(clinician, chat.pk, after=shown["last_id"])
    assert {a["level"] for a in shown["alerts"]} == {"EMERGENCY"}
    assert AuditEntry.objects.filter(action="takeover_red_flag").count() == 1

    # Left without a staff reply: the patient is told how to reach the clinic, once.
    monkeypatch.setenv("TAKEOVER_NO_REPLY_SECONDS", "1")
    time.sleep(1.5)
    before = len(graph.sent)
    assert feed(clinician, chat.pk)["reminded"] is True
    assert feed(clinician, chat.pk)["reminded"] is False
    assert any(NO_REPLY in t for t in cloud_texts(graph, wa_id, before))

    # A staff reply re-arms it: the patient waiting again is told again, here by the
    # management command (for takeovers whose live page nobody has open).
    before = len(graph.sent)
    answer = clinician.post(
        reverse("takeover:send", args=[chat.pk]), {"text": "I am here."}, **JSON
    )
    assert answer.json() == {"sent": True}
    cloud_says(servers, wa_id, "hello? are you there?")
    time.sleep(1.5)
    out = StringIO()
    call_command("takeover_reminders", stdout=out)
    assert out.getvalue().startswith("1 patient")
    texts = cloud_texts(graph, wa_id, before)
    assert texts[0] == "I am here." and [t for t in texts[1:] if NO_REPLY in t] == texts[1:]
    assert len(texts) == 2

    before = len(graph.sent)
    response = clinician.post(reverse("takeover:hand_back", args=[chat.pk]))
    assert response.status_code == 302
    assert any(ENDED in t for t in cloud_texts(graph, wa_id, before))
    before = len(graph.sent)
    cloud_says(servers, wa_id, "what is kyphoplasty?")
    assert cloud_texts(graph, wa_id, before), "the assistant answers again"

    tracker = servers.tracker(wa_id, channel="whatsapp")
    staff = [
        e
        for e in tracker["events"]
        if e["event"] == "bot"
        and (e.get("metadata") or {}).get("staff_takeover", "").startswith("clinician-")
    ]
    assert [e["text"] for e in staff] == ["Hello, Dr Rao here. How are you feeling?", "I am here."]
    assert [
        a.action for a in AuditEntry.objects.filter(action__startswith="takeover").order_by("id")
    ] == [
        "takeover_start",
        "takeover_message",
        "takeover_red_flag",
        "takeover_no_reply",
        "takeover_message",
        "takeover_no_reply",
        "takeover_end",
    ]


def test_cloud_api_closed_window_sends_nothing_and_says_so(console, graph, client_for):
    servers, wa_id = console, "919000000302"
    before = len(graph.sent)
    cloud_says(servers, wa_id, "hello")
    wait_for_reply(graph, before)
    chat = conversation(f"whatsapp:{wa_id}")
    clinician = client_for("clinician")
    assert clinician.post(reverse("takeover:start", args=[chat.pk])).status_code == 302
    close_window(servers, chat.sender_id)

    before = len(graph.sent)
    answer = clinician.post(reverse("takeover:send", args=[chat.pk]), {"text": "Hello?"}, **JSON)
    assert answer.status_code == 409
    assert "24-hour window is closed" in answer.json()["error"]
    assert "nothing was sent" in answer.json()["error"]
    page = clinician.get(reverse("takeover:live", args=[chat.pk])).content.decode()
    assert "24-hour window is closed" in page
    assert feed(clinician, chat.pk)["window_open"] is False

    # Handing back sends no notice outside the window; a new takeover is refused.
    assert clinician.post(reverse("takeover:hand_back", args=[chat.pk])).status_code == 302
    refused = clinician.post(reverse("takeover:start", args=[chat.pk]), follow=True)
    assert "24-hour window is closed" in refused.content.decode()
    assert cloud_texts(graph, wa_id, before) == []
    assert not Takeover.objects.filter(conversation=chat, ended_at__isnull=True).exists()
    events = servers.tracker(wa_id, channel="whatsapp")["events"]
    assert not any(e["event"] == "bot" and e.get("text") == "Hello?" for e in events)


def test_twilio_takeover_both_ways_red_flag_closed_window(console, graph, client_for):
    servers, patient = console, "whatsapp:+919000000303"
    before = len(graph.sent)
    twilio_says(servers, patient, "Namaste, mujhe kamar mein bahut dard hai")
    wait_for_reply(graph, before)
    chat = conversation(f"twilio_whatsapp:{patient}")
    clinician = client_for("reviewer")

    before = len(graph.sent)
    assert clinician.post(reverse("takeover:start", args=[chat.pk])).status_code == 302
    # in the patient's language (Hinglish here)
    assert any(STARTED_HINGLISH in t for t in twilio_texts(graph, patient, before))

    before = len(graph.sent)
    answer = clinician.post(
        reverse("takeover:send", args=[chat.pk]), {"text": "Dr Rao here, on Twilio."}, **JSON
    )
    assert answer.json() == {"sent": True}
    assert twilio_texts(graph, patient, before) == ["Dr Rao here, on Twilio."]
    sent = graph.sent[-1]
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent.body["From"] == f"whatsapp:{BUSINESS}"

    before = len(graph.sent)
    twilio_says(servers, patient, "ok, thank you")
    assert twilio_texts(graph, patient, before) == []
    twilio_says(servers, patient, "I can't control my bladder since yesterday")
    advice = twilio_texts(graph, patient, before)
    assert advice and "You mentioned" in advice[0], advice
    shown = feed(clinician, chat.pk)
    assert [i["text"] for i in shown["items"] if i["from"] == "patient"][0] == "ok, thank you"
    assert {a["level"] for a in shown["alerts"]} == {"EMERGENCY"}

    close_window(servers, chat.sender_id)
    before = len(graph.sent)
    answer = clinician.post(
        reverse("takeover:send", args=[chat.pk]), {"text": "Still there?"}, **JSON
    )
    assert answer.status_code == 409 and "24-hour window is closed" in answer.json()["error"]
    assert twilio_texts(graph, patient, before) == []
    assert clinician.post(reverse("takeover:hand_back", args=[chat.pk])).status_code == 302
    assert (
        json.dumps(
            servers.tracker(patient, channel="twilio_whatsapp")["slots"].get("staff_takeover")
        )
        == "null"
    )


def test_only_the_one_who_took_over_writes_and_a_rest_conversation_cannot_be_taken_over(
    console, graph, client_for
):
    servers, wa_id = console, "919000000304"
    before = len(graph.sent)
    cloud_says(servers, wa_id, "नमस्ते, मुझे कमर में दर्द है")
    wait_for_reply(graph, before)
    chat = conversation(f"whatsapp:{wa_id}")
    clinician = client_for("clinician")
    before = len(graph.sent)
    assert clinician.post(reverse("takeover:start", args=[chat.pk])).status_code == 302
    assert any(STARTED_HINDI in t for t in cloud_texts(graph, wa_id, before))  # in Hindi
    other = client_for("admin")
    answer = other.post(reverse("takeover:send", args=[chat.pk]), {"text": "hi"}, **JSON)
    assert answer.status_code == 403 and "Taken over by clinician-" in answer.json()["error"]
    again = other.post(reverse("takeover:start", args=[chat.pk]), follow=True)
    assert "Already taken over by clinician-" in again.content.decode()
    assert feed(other, chat.pk)["mine"] is False
    assert clinician.post(reverse("takeover:hand_back", args=[chat.pk])).status_code == 302

    servers.say("rest-patient", "hello")
    rest = conversation("rest:rest-patient")
    refused = clinician.post(reverse("takeover:start", args=[rest.pk]), follow=True)
    assert "only the website chat and WhatsApp can be taken over" in refused.content.decode()
    assert not Takeover.objects.filter(conversation=rest).exists()
