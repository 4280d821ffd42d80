"""The management commands run by people and by scripts/run_console.sh."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from sqlalchemy import create_engine, inspect

from console.staff.models import AuditEntry, Conversation, User

STRONG = "a long admin password 9"


def test_create_admin_reads_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("CONSOLE_ADMIN_PASSWORD", STRONG)
    call_command("create_admin", "boss", stdout=io.StringIO())
    boss = User.objects.get(username="boss")
    assert boss.role == "admin" and boss.check_password(STRONG)
    assert boss.password.startswith("argon2$argon2id$")
    entry = AuditEntry.objects.get(action="user_created")
    assert (entry.username, entry.detail["role"]) == ("boss", "admin")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_admin", "BOSS")


def test_create_admin_refuses_a_weak_or_missing_password(db, monkeypatch):
    monkeypatch.setenv("CONSOLE_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_admin", "boss")
    monkeypatch.delenv("CONSOLE_ADMIN_PASSWORD")
    with pytest.raises(CommandError, match="CONSOLE_ADMIN_PASSWORD"):  # no terminal here
        call_command("create_admin", "boss")
    assert not User.objects.exists()


def test_the_sign_in_page_says_how_to_create_the_first_admin(db):
    def page():
        return Client(HTTP_HOST="localhost").get(reverse("staff:login")).content

    assert b"create_admin" in page()
    User.objects.create_user("someone", password=STRONG)
    assert b"create_admin" not in page()


def test_sync_command_adds_the_indexes_and_summarises(db, tracker):
    tracker.turn("cmd-patient", "hello")
    tracker.escalation("cmd-patient", "peshab ruk gaya")
    out = io.StringIO()
    call_command("sync_conversations", stdout=out)
    assert "console_events_sender_id_id" in out.getvalue()
    assert "1 conversations updated" in out.getvalue()
    indexes = {i["name"] for i in inspect(create_engine(tracker.url)).get_indexes("events")}
    assert {"console_events_sender_id_id", "console_events_timestamp"} <= indexes
    assert Conversation.objects.get(sender_id="cmd-patient").needs_followup
    out = io.StringIO()
    call_command("ensure_tracker_indexes", stdout=out)
    assert out.getvalue().strip() == "Indexes present."
