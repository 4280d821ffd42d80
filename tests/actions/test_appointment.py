import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import OperationalError

from actions.appointment import ActionSubmitAppointment, ValidateAppointmentForm
from actions.store import save_request
from tables import create_tables
from tests.conftest import POSTGRES_URL, load_tracker, run_action, slot_events


def validate(method, value):
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = getattr(ValidateAppointmentForm(), method)(value, dispatcher, None, {})
    return result, [m.get("response") for m in dispatcher.messages]


def test_valid_phone_is_stored_in_international_form():
    assert validate("validate_phone", "098765 43210") == ({"phone": "+919876543210"}, [])


def test_invalid_phone_is_refused_politely():
    assert validate("validate_phone", "12345") == ({"phone": None}, ["utter_invalid_phone"])


def test_name_is_trimmed_and_bounded():
    result, said = validate("validate_patient_name", "  Ravi    Kumar " + "x" * 300)
    assert result["patient_name"].startswith("Ravi Kumar x") and len(result["patient_name"]) == 100
    assert said == []


def test_empty_answer_is_asked_again():
    assert validate("validate_visit_reason", " ") == (
        {"visit_reason": None},
        ["utter_unclear_answer"],
    )


def test_unset_slot_is_not_complained_about():
    assert validate("validate_phone", None) == ({"phone": None}, [])


def rows(url):
    with create_engine(url).connect() as connection:
        return connection.execute(
            text(
                "select sender_id, channel, patient_name, phone, preferred_time, reason, status "
                "from appointment_requests"
            )
        ).fetchall()


def test_confirmed_request_is_saved(sqlite_url):
    events, said = run_action(ActionSubmitAppointment(), load_tracker("appointment_confirmed"))
    assert rows(sqlite_url) == [
        (
            "patient-appointment-1",
            "rest",
            "Ravi Kumar",
            "+919876543210",
            "monday morning",
            "second opinion for kyphoplasty",
            "new",
        )
    ]
    assert [m["response"] for m in said] == ["utter_appointment_saved"]
    assert slot_events(events)["appointment_saved"] is True
    assert slot_events(events)["patient_name"] is None


def test_declined_request_is_not_saved(sqlite_url):
    tracker = load_tracker("appointment_confirmed", appointment_confirmed=False)
    events, said = run_action(ActionSubmitAppointment(), tracker)
    assert [m["response"] for m in said] == ["utter_appointment_discarded"]
    assert slot_events(events)["appointment_saved"] is False
    assert rows(sqlite_url) == []


def test_database_failure_is_told_to_the_patient_and_keeps_the_answers(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    events, said = run_action(ActionSubmitAppointment(), load_tracker("appointment_confirmed"))
    assert [m["response"] for m in said] == ["utter_appointment_failed"]
    assert "patient_name" not in slot_events(events)


def test_saving_never_creates_the_table(tmp_path):
    """DDL belongs to `python -m tables`: without it, saving fails and creates nothing."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with pytest.raises(OperationalError, match="no such table: appointment_requests"):
        save_request(
            {
                "sender_id": "s",
                "channel": "rest",
                "patient_name": "A B",
                "phone": "+919876543210",
                "preferred_time": "any",
                "reason": "pain",
            },
            url=url,
        )
    assert not inspect(create_engine(url)).has_table("appointment_requests")


@pytest.mark.services
def test_request_is_saved_in_postgresql():
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("drop table if exists appointment_requests"))
        connection.execute(text("drop table if exists consents"))
        connection.execute(text("drop table if exists callback_requests"))
    assert sorted(create_tables(POSTGRES_URL)) == [
        "appointment_requests",
        "callback_requests",
        "consents",
    ]
    assert create_tables(POSTGRES_URL) == []  # a second run changes nothing
    new_id = save_request(
        {
            "sender_id": "pg-1",
            "channel": "rest",
            "patient_name": "A B",
            "phone": "+919876543210",
            "preferred_time": "any",
            "reason": "pain",
        },
        url=POSTGRES_URL,
    )
    assert new_id >= 1
    assert rows(POSTGRES_URL) == [("pg-1", "rest", "A B", "+919876543210", "any", "pain", "new")]
