"""The chat's privacy steps in the action server: consent before any detail, a guardian for
a child, nothing kept when the notice is declined, erasure only when confirmed."""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, inspect, text

from actions import consent
from actions.appointment import ActionSubmitAppointment, ValidateAppointmentForm
from actions.privacy import (
    ActionAskPrivacyConsent,
    ActionErasePatientData,
    ActionNoteChild,
    check_consent,
)
from tables import create_tables
from tests.conftest import load_tracker, run_action, slot_events

FORM_SLOTS = [
    "privacy_consent",
    "patient_name",
    "phone",
    "preferred_time",
    "visit_reason",
    "appointment_confirmed",
]


@pytest.fixture
def tables(sqlite_url):
    create_tables(sqlite_url)
    return sqlite_url


def rows(url, table):
    with create_engine(url).connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text(f"SELECT * FROM {table}"))]


def test_a_given_consent_is_recorded_with_notice_time_channel_and_purpose(tables):
    tracker = load_tracker("appointment_confirmed", language="hi")
    assert check_consent("yes", CollectingDispatcher(), tracker) == {"privacy_consent": "patient"}
    [row] = rows(tables, "consents")
    assert row["sender_id"] == tracker.sender_id and row["channel"] == "rest"
    assert (row["notice_version"], row["purpose"], row["language"]) == (
        consent.NOTICE_VERSION,
        "appointment_request",
        "hi",
    )
    assert row["given_by"] == "patient" and not row["for_child"] and row["created_at"]
    assert row["granted"]  # as the console shows it (console/staff/tracker.py)


def test_a_guardian_gives_consent_for_a_child(tables):
    tracker = load_tracker("appointment_confirmed", for_child=True)
    assert check_consent("yes", CollectingDispatcher(), tracker) == {"privacy_consent": "guardian"}
    [row] = rows(tables, "consents")
    assert row["given_by"] == "guardian" and row["for_child"]


def test_a_declined_notice_stores_nothing_and_ends_the_form(tables):
    tracker = load_tracker("appointment_confirmed", privacy_consent="declined")
    assert check_consent("no", CollectingDispatcher(), tracker) == {"privacy_consent": "declined"}
    assert rows(tables, "consents") == []
    required = asyncio.run(
        ValidateAppointmentForm().required_slots(FORM_SLOTS, CollectingDispatcher(), tracker, {})
    )
    assert required == ["privacy_consent"]
    events, messages = run_action(ActionSubmitAppointment(), tracker)
    assert [m["response"] for m in messages] == ["utter_privacy_declined"]
    assert slot_events(events)["appointment_saved"] is False
    assert (
        not inspect(create_engine(tables)).has_table("appointment_requests")
        or rows(tables, "appointment_requests") == []
    )


def test_without_the_consents_table_no_detail_is_asked(tmp_path, monkeypatch):
    """The table comes from `python -m tables`, never from a first write."""
    sqlite_url = f"sqlite:///{tmp_path / 'no-tables.db'}"  # not the fixture: it has the tables
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    dispatcher = CollectingDispatcher()
    result = check_consent("yes", dispatcher, load_tracker("appointment_confirmed"))
    assert result == {"privacy_consent": "declined"}
    assert [m["response"] for m in dispatcher.messages] == ["utter_consent_not_recorded"]
    assert not inspect(create_engine(sqlite_url)).has_table("consents")


def test_the_notice_is_the_guardian_s_once_a_child_is_mentioned():
    _, adult = run_action(ActionAskPrivacyConsent(), load_tracker("appointment_confirmed"))
    _, child = run_action(
        ActionAskPrivacyConsent(), load_tracker("appointment_confirmed", for_child=True)
    )
    assert [m["response"] for m in adult] == ["utter_privacy_notice"]
    assert [m["response"] for m in child] == ["utter_privacy_notice_child"]


def test_a_child_mentioned_after_the_patient_agreed_asks_the_guardian_again():
    events, messages = run_action(
        ActionNoteChild(), load_tracker("appointment_confirmed", privacy_consent="patient")
    )
    assert slot_events(events) == {"for_child": True, "privacy_consent": None}
    events, _ = run_action(
        ActionNoteChild(), load_tracker("appointment_confirmed", privacy_consent="guardian")
    )
    assert slot_events(events) == {"for_child": True}


def test_erasure_without_the_confirmation_erases_nothing(monkeypatch):
    from actions import erasure

    monkeypatch.setattr(erasure, "erase_conversation", lambda *a: pytest.fail("erased"))
    events, messages = run_action(
        ActionErasePatientData(), load_tracker("appointment_confirmed", erasure_confirmed=False)
    )
    assert [m["response"] for m in messages] == ["utter_erasure_kept"]
    assert "data_erased" not in slot_events(events)


def test_a_failed_erasure_is_told_to_the_patient(monkeypatch):
    from actions import erasure

    def broken(conversation_id):
        raise RuntimeError("database down")

    monkeypatch.setattr(erasure, "erase_conversation", broken)
    events, messages = run_action(
        ActionErasePatientData(), load_tracker("appointment_confirmed", erasure_confirmed=True)
    )
    assert [m["response"] for m in messages] == ["utter_erasure_failed"]
    assert "data_erased" not in slot_events(events)
