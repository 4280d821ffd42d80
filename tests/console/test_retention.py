"""Retention and erasure delete exactly what they should, and leave an audit record."""

import time

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from console.staff.audit import sender_hash
from console.staff.models import AuditEntry, Conversation, IntentAnnotation, Note
from console.staff.sync import sync

DAY = 86400


def test_retention_deletes_events_older_than_the_period(db, tracker):
    now = time.time()
    tracker.turn("old", "hello", ts=now - 40 * DAY)
    tracker.escalation("old", "peshab ruk gaya", ts=now - 40 * DAY)
    tracker.turn("mixed", "hello", ts=now - 31 * DAY)
    recent = tracker.turn("mixed", "what is kyphoplasty", ts=now - 2 * DAY)
    tracker.turn("new", "hello", ts=now - 29 * DAY)
    sync()
    old = Conversation.objects.get(sender_id="old")
    Note.objects.create(conversation=old, kind="review", body="x")
    total = tracker.count("SELECT count(*) FROM events")

    call_command("purge_old_conversations", "--days", "30", stdout=open("/dev/null", "w"))

    assert tracker.count("SELECT count(*) FROM events WHERE sender_id = 'old'") == 0
    assert tracker.count("SELECT min(id) FROM events WHERE sender_id = 'mixed'") == recent
    assert tracker.count("SELECT count(*) FROM events WHERE sender_id = 'new'") == 4
    assert tracker.count("SELECT count(*) FROM events") == total - 10 - 4
    assert set(Conversation.objects.values_list("sender_id", flat=True)) == {"mixed", "new"}
    assert not Note.objects.exists()
    assert Conversation.objects.get(sender_id="mixed").message_count == 1
    entry = AuditEntry.objects.get(action="retention")
    assert entry.detail == {
        "days": 30,
        "events": 14,
        "senders_touched": 2,
        "conversations_removed": 1,
        "callback_requests": 0,
    }
    assert entry.username == "purge_old_conversations command"


def test_retention_dry_run_deletes_nothing(db, tracker, capsys):
    tracker.turn("old", "hello", ts=time.time() - 400 * DAY)
    call_command("purge_old_conversations", "--dry-run")
    assert "Would delete 4 events of 1 senders" in capsys.readouterr().out
    assert tracker.count("SELECT count(*) FROM events") == 4
    assert not AuditEntry.objects.filter(action="retention").exists()


def test_erasure_removes_one_sender_everywhere(db, tracker, client_for, staff):
    for sender in ("keep-1", "erase-me", "keep-2"):
        tracker.turn(sender, "hello")
        tracker.escalation(sender, "chest pain")
        tracker.appointment(sender)
    sync()
    target = Conversation.objects.get(sender_id="erase-me")
    IntentAnnotation.objects.create(
        conversation=target,
        event_id=1,
        text="hello",
        predicted_intent="greet",
        correct_intent="greet",
    )
    Note.objects.create(conversation=target, kind="clinical", body="called")
    client = client_for("admin")
    mismatch = client.post(
        reverse("staff:erasure"),
        {"sender_id": "erase-me", "confirm": "erase-m", "appointments": "on"},
    )
    assert b"differ" in mismatch.content
    assert tracker.count("SELECT count(*) FROM events WHERE sender_id = 'erase-me'") == 10

    response = client.post(
        reverse("staff:erasure"),
        {"sender_id": "erase-me", "confirm": "erase-me", "appointments": "on"},
    )

    assert b"Erased 10 events, 1 console conversation and 1 appointment request" in response.content
    assert tracker.count("SELECT count(*) FROM events WHERE sender_id = 'erase-me'") == 0
    assert tracker.count("SELECT count(*) FROM events") == 20
    assert tracker.count("SELECT count(*) FROM appointment_requests") == 2
    assert set(Conversation.objects.values_list("sender_id", flat=True)) == {"keep-1", "keep-2"}
    assert not IntentAnnotation.objects.exists() and not Note.objects.exists()
    entry = AuditEntry.objects.get(action="erasure")
    assert entry.sender_hash == sender_hash("erase-me")
    assert entry.username == staff["admin"].username
    assert entry.detail == {
        "events": 10,
        "appointment_requests": 1,
        "callback_requests": 0,
        "console_rows": 1,
    }
    assert "erase-me" not in entry.target + str(entry.detail)
    sync()  # nothing comes back
    assert not Conversation.objects.filter(sender_id="erase-me").exists()


def test_erasing_an_unknown_sender_id_warns(db, tracker, client_for):
    tracker.turn("erase-me", "hello")
    sync()
    response = client_for("admin").post(
        reverse("staff:erasure"),
        {"sender_id": "erase-mee", "confirm": "erase-mee", "appointments": "on"},
    )
    page = response.content.decode()
    assert "Erased" not in page
    assert 'class="flash warning"' in page and "Nothing was erased" in page
    assert 'value="erase-mee"' in page  # the id stays in the form, to be corrected
    assert tracker.count("SELECT count(*) FROM events") == 4
    entry = AuditEntry.objects.get(action="erasure")
    assert entry.detail == {
        "events": 0,
        "appointment_requests": 0,
        "callback_requests": 0,
        "console_rows": 0,
        "found": False,
    }


@override_settings(CONSOLE_RETENTION_DAYS=10)
def test_retention_page_runs_the_same_purge(db, tracker, client_for):
    tracker.turn("old", "hello", ts=time.time() - 11 * DAY)
    tracker.turn("new", "hello")
    sync()
    page = client_for("admin").get(reverse("staff:retention"))
    assert b"4 events of 1 sender" in page.content
    client_for("admin").post(reverse("staff:retention"))
    assert list(Conversation.objects.values_list("sender_id", flat=True)) == ["new"]
    assert AuditEntry.objects.get(action="retention").user_id is not None
