"""A patient's "delete my data" in the chat runs the console's own erasure (one code path):
the conversation's events, its appointment requests, the console's rows and the consent
records go, and the audit log says so (with a keyed hash of the id, never the id)."""

from actions import consent, erasure
from console.staff.audit import sender_hash
from console.staff.models import AuditEntry, Conversation
from console.staff.sync import sync
from tables import create_tables

PATIENT = "whatsapp:919876543210"
OTHER = "rest:someone-else"


def test_the_chat_erasure_removes_the_conversation_requests_and_consents(db, tracker):
    create_tables(tracker.url)
    tracker.turn(PATIENT, "I want an appointment", channel="whatsapp")
    tracker.escalation(PATIENT, "peshab ruk gaya", channel="whatsapp")
    tracker.appointment(PATIENT)
    tracker.turn(OTHER, "hello")
    tracker.appointment(OTHER)
    consent.record(PATIENT, "whatsapp", "hinglish", False, url=tracker.url)
    consent.record(OTHER, "rest", "en", False, url=tracker.url)
    sync()
    assert Conversation.objects.filter(sender_id=PATIENT).exists()

    result = erasure.erase_conversation(PATIENT)

    assert result["events"] == 10 and result["appointment_requests"] == 1
    assert result["consents"] == 1 and result["console_rows"] == 1
    assert tracker.count("SELECT count(*) FROM events WHERE sender_id = :s", s=PATIENT) == 0
    assert (
        tracker.count("SELECT count(*) FROM appointment_requests WHERE sender_id = :s", s=PATIENT)
        == 0
    )
    assert consent.count_for(PATIENT, url=tracker.url) == 0
    assert consent.count_for(OTHER, url=tracker.url) == 1
    assert tracker.count("SELECT count(*) FROM events WHERE sender_id = :s", s=OTHER) == 4
    assert not Conversation.objects.filter(sender_id=PATIENT).exists()
    entry = AuditEntry.objects.get(action="erasure")
    assert entry.sender_hash == sender_hash(PATIENT)
    assert PATIENT not in str(entry.detail) and "919876543210" not in entry.target
