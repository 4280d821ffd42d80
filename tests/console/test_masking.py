"""Personal data is masked in transcripts, lists and exports; clinicians and admins
reveal one conversation with a click that is audited; the NLU export never holds it."""

import re
import time

import pytest
import yaml
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from console.staff.audit import sender_hash
from console.staff.models import AuditEntry, Conversation, IntentAnnotation, Note
from console.staff.sync import sync

SENDER = "919810012345"  # a WhatsApp conversation's id is the patient's number
SECRETS = [
    "Meena",
    "Gupta",
    "98100",
    "9810012345",
    "meena.gupta@gmail.com",
    "2345 6789 0123",
    "91-1234-5678-9012",
    "meena.g@abdm",
]


@pytest.fixture
def world(db, tracker):
    tracker.turn(SENDER, "I want to book an appointment")
    name = tracker.turn(SENDER, "Meena Gupta", intent="inform", confidence=0.9)
    tracker.action(SENDER, "validate_appointment_form")
    tracker.slot(SENDER, "patient_name", "Meena Gupta")
    phone = tracker.turn(SENDER, "+91 98100 12345", intent="inform")
    tracker.action(SENDER, "validate_appointment_form")
    tracker.slot(SENDER, "phone", "+919810012345")
    tracker.bot(SENDER, "Thanks Meena Gupta, we will call +919810012345.")
    tracker.turn(
        SENDER,
        "my email is meena.gupta@gmail.com, aadhaar 2345 6789 0123, "
        "abha 91-1234-5678-9012 or meena.g@abdm",
        intent="inform",
    )
    tracker.action(SENDER, "action_submit_appointment")
    tracker.slot(SENDER, "patient_name", None)  # the form resets its slots
    tracker.slot(SENDER, "phone", None)
    flagged = tracker.escalation(SENDER, "Meena here, I cannot pass urine, call 9810012345")
    tracker.appointment(SENDER)
    sync()
    conversation = Conversation.objects.get(sender_id=SENDER)
    Note.objects.create(conversation=conversation, kind="review", body="she gave 9810012345")
    return {"conversation": conversation, "name": name, "phone": phone, "flagged": flagged}


def transcript(client, world):
    return client.get(reverse("staff:transcript", args=[world["conversation"].pk])).content.decode()


def visible(page):
    """The page's text without tags and attribute values."""
    return re.sub(r"<[^>]*>", " ", page)


def assert_masked(page):
    text = visible(page)
    leaked = [s for s in SECRETS if s.lower() in text.lower()]
    assert not leaked, leaked
    assert not [s for s in SECRETS if s in page]  # nor in attributes


@pytest.mark.parametrize("role", ["reviewer", "clinician", "admin"])
def test_transcripts_are_masked_for_everyone_by_default(world, client_for, role):
    page = transcript(client_for(role), world)
    assert_masked(page)
    assert "cannot pass urine" in page and "I want to book an appointment" in page
    for label in ("name", "phone number", "e-mail", "Aadhaar number", "ABHA"):
        assert f'<span class="pii">{label} hidden</span>' in page, label
    can_reveal = f'action="{reverse("staff:reveal", args=[world["conversation"].pk])}"'
    assert (can_reveal in page) == (role != "reviewer")


def test_lists_are_masked(world, client_for):
    reviewer = client_for("reviewer")
    assert_masked(reviewer.get(reverse("staff:conversations")).content.decode())
    reviewer.post(
        reverse("staff:intent", args=[world["conversation"].pk, world["name"]]),
        {"verdict": "corrected", "intent": "greet"},
    )
    annotation = IntentAnnotation.objects.get()
    assert annotation.text == "<name>"  # never stored
    assert_masked(reviewer.get(reverse("staff:annotations")).content.decode())


def test_a_clinician_reveals_a_conversation_and_it_is_audited(world, client_for, staff):
    clinician = client_for("clinician")
    pk = world["conversation"].pk
    response = clinician.post(reverse("staff:reveal", args=[pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:transcript", args=[pk])
    page = transcript(clinician, world)
    for secret in (
        "Meena Gupta",
        "+91 98100 12345",
        "meena.gupta@gmail.com",
        "2345 6789 0123",
        SENDER,
    ):
        assert secret in page, secret
    assert "Personal data shown until" in page
    entry = AuditEntry.objects.get(action="reveal")
    assert entry.username == staff["clinician"].username and entry.ip == "10.1.2.3"
    assert entry.sender_hash == sender_hash(SENDER) and entry.target == f"conversation #{pk}"
    assert SENDER not in str(entry.detail)
    assert AuditEntry.objects.filter(action="transcript_view").last().detail == {"revealed": True}
    # only this conversation, only in this session, and not for ever
    assert_masked(transcript(client_for("clinician"), world))
    session = SessionStore(session_key=clinician.session.session_key)
    session["revealed"] = {str(pk): time.time() - 1}
    session.save()
    assert_masked(transcript(clinician, world))


def test_reviewers_cannot_reveal(world, client_for):
    pk = world["conversation"].pk
    assert client_for("reviewer").post(reverse("staff:reveal", args=[pk])).status_code == 403
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_nlu_export_holds_no_personal_data(world, client_for):
    reviewer = client_for("reviewer")
    pk = world["conversation"].pk
    reviewer.post(
        reverse("staff:intent", args=[pk, world["phone"]]),
        {"verdict": "corrected", "intent": "greet"},
    )
    reviewer.post(
        reverse("staff:intent", args=[pk, world["name"]]),
        {"verdict": "corrected", "intent": "out_of_scope"},
    )
    # a correction saved before texts were redacted on the way in
    IntentAnnotation.objects.create(
        conversation=world["conversation"],
        event_id=999,
        text="mera naam Meena Gupta hai, 9810012345",
        predicted_intent="inform",
        correct_intent="greet",
    )
    IntentAnnotation.objects.create(
        conversation=world["conversation"],
        event_id=998,
        text="thanks Meena, bye",
        predicted_intent="greet",
        correct_intent="goodbye",
    )
    content = client_for("admin").post(reverse("staff:annotation_export")).content.decode()
    assert not [s for s in SECRETS if s.lower() in content.lower()], content
    examples = {item["intent"]: item["examples"] for item in yaml.safe_load(content)["nlu"]}
    assert "- mera naam <name> hai, <phone>" in examples["greet"]
    assert "- thanks <name>, bye" in examples["goodbye"]


def test_the_csv_export_masks_sender_ids(world, client_for):
    response = client_for("admin").post(reverse("staff:export_csv"))
    content = b"".join(response.streaming_content).decode()
    assert SENDER not in content and "<phone>" in content
    assert f"{world['conversation'].pk}," in content
