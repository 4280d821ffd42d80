"""Consent records the assistant keeps (table `consents`, written by the Rasa side)
appear read-only on the transcript; a database without the table still works."""

from datetime import datetime, timedelta, timezone

from django.urls import reverse
from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table

from console.staff.models import Conversation
from console.staff.sync import sync

CONSENTS = Table(
    "consents",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("channel", String(64)),
    Column("purpose", String(64), nullable=False),
    Column("notice_version", String(32), nullable=False),
    Column("language", String(16)),
    Column("granted", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def test_consents_are_shown_on_the_transcript(db, any_tracker, client_for):
    any_tracker.turn("consenting", "I want to book an appointment")
    any_tracker.turn("other", "hello")
    CONSENTS.create(any_tracker.engine)
    start = datetime(2025, 3, 1, 4, 30, tzinfo=timezone.utc)
    with any_tracker.engine.begin() as connection:
        connection.execute(
            CONSENTS.insert(),
            [
                {
                    "sender_id": "consenting",
                    "channel": "socketio",
                    "purpose": "appointment_request",
                    "notice_version": "2025-03",
                    "language": "hi",
                    "granted": True,
                    "created_at": start,
                },
                {
                    "sender_id": "consenting",
                    "channel": "socketio",
                    "purpose": "call_back",
                    "notice_version": "2025-03",
                    "language": "hi",
                    "granted": False,
                    "created_at": start + timedelta(minutes=5),
                },
                {
                    "sender_id": "other",
                    "channel": "rest",
                    "purpose": "secret_purpose",
                    "notice_version": "2025-03",
                    "language": "en",
                    "granted": True,
                    "created_at": start,
                },
            ],
        )
    sync()
    pk = Conversation.objects.get(sender_id="consenting").pk
    page = client_for("reviewer").get(reverse("staff:transcript", args=[pk])).content.decode()
    section = page[page.index('id="consents-title"') : page.index('id="slots-title"')]
    assert section.index("appointment_request") < section.index("call_back")
    assert "01 Mar 2025 10:00:00" in section and "01 Mar 2025 10:05:00" in section  # IST
    assert "granted" in section and "refused or withdrawn" in section
    assert section.count("2025-03") == 2 and "secret_purpose" not in section
    assert "<form" not in section  # read-only


def test_a_database_without_consents_still_shows_the_transcript(db, any_tracker, client_for):
    any_tracker.turn("old-patient", "hello")
    sync()
    response = client_for("reviewer").get(
        reverse("staff:transcript", args=[Conversation.objects.get(sender_id="old-patient").pk])
    )
    assert response.status_code == 200
    assert "No consent recorded in this conversation." in response.content.decode()
