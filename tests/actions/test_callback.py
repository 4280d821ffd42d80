"""The call-back offer in the action server (actions/callback.py): offered after the advice
on the web only, once; the number checked with a polite re-ask; "no" stores nothing; "yes"
and a number store the consent and the number for the console."""

import asyncio
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, text

from actions import consent
from actions.callback import ActionSaveCallback, ValidateCallbackForm
from actions.escalation import ActionRecordEscalation
from tests.conftest import FIXTURES, run_action, slot_events


def tracker(channel="socketio", intent="inform", sender="socketio:web-1", **slots):
    state = json.loads((FIXTURES / "emergency_message.json").read_text(encoding="utf-8"))
    state["slots"].update(
        {"escalation_level": "EMERGENCY", "escalation_categories": ["bladder"], **slots}
    )
    state["latest_input_channel"] = channel
    for event in state["events"]:
        if event["event"] == "user":
            event["input_channel"] = channel
    state["sender_id"] = sender
    state["latest_message"]["intent"] = {"name": intent, "confidence": 0.9}
    return Tracker.from_dict(state)


def rows(url, table):
    with create_engine(url).connect() as connection:
        return [dict(r._mapping) for r in connection.execute(text(f"SELECT * FROM {table}"))]


def test_the_offer_follows_the_escalation_on_the_web():
    events, said = run_action(ActionRecordEscalation(), tracker())
    assert [m["response"] for m in said] == ["utter_offer_callback"]
    assert slot_events(events) == {"callback_offer": "offered"}


@pytest.mark.parametrize("channel", ["whatsapp", "twilio_whatsapp", "rest"])
def test_no_offer_on_whatsapp_or_the_internal_rest_channel(channel):
    assert run_action(ActionRecordEscalation(), tracker(channel=channel)) == ([], [])


def test_no_offer_while_a_form_goes_on_after_urgent_advice():
    """Its next question's Yes / No buttons would take the offer's answer: a "No, thank
    you" recorded as "no" to a bladder question of the triage form."""
    state = tracker(escalation_level="URGENT", escalation_categories=["infection"])
    state.active_loop = {"name": "triage_form"}
    assert run_action(ActionRecordEscalation(), state) == ([], [])


def test_no_offer_while_staff_have_taken_over():
    state = tracker(staff_takeover={"by": "dr-rao", "at": 1.0})
    assert run_action(ActionRecordEscalation(), state) == ([], [])


@pytest.mark.parametrize("state", ["offered", "given", "declined"])
def test_the_offer_is_made_once_per_conversation(state):
    assert run_action(ActionRecordEscalation(), tracker(callback_offer=state)) == ([], [])


def test_the_offers_channels_come_from_the_settings(monkeypatch):
    monkeypatch.setenv("CALLBACK_OFFER_CHANNELS", "socketio rest")
    events, _ = run_action(ActionRecordEscalation(), tracker(channel="rest"))
    assert slot_events(events) == {"callback_offer": "offered"}


def validate(value, **kwargs):
    dispatcher = CollectingDispatcher()
    result = ValidateCallbackForm().validate_callback_phone(
        value, dispatcher, tracker(**kwargs), {}
    )
    return result, [m["response"] for m in dispatcher.messages]


def test_a_valid_number_is_kept_in_e164():
    assert validate("098100 12345") == ({"callback_phone": "+919810012345"}, [])


def test_an_invalid_number_gets_a_polite_re_ask():
    assert validate("12345") == ({"callback_phone": None}, ["utter_callback_phone_invalid"])


@pytest.mark.parametrize("intent", ["deny", "cancel"])
def test_no_during_the_form_ends_it_without_a_number(intent):
    result, said = validate("no thanks", intent=intent)
    assert result == {"callback_phone": None, "callback_offer": "declined"} and said == []
    required = asyncio.run(
        ValidateCallbackForm().required_slots(
            ["callback_phone"], CollectingDispatcher(), tracker(callback_offer="declined"), {}
        )
    )
    assert required == []


def test_accepting_stores_the_consent_and_the_number(sqlite_url):
    events, said = run_action(
        ActionSaveCallback(),
        tracker(callback_phone="+919810012345", language="hinglish", callback_offer="offered"),
    )
    assert [m["response"] for m in said] == ["utter_callback_saved"]
    assert slot_events(events) == {"callback_offer": "given"}
    [grant] = rows(sqlite_url, "consents")
    assert (grant["purpose"], grant["language"], grant["granted"], grant["given_by"]) == (
        "callback",
        "hinglish",
        True,
        "patient",
    )
    assert grant["notice_version"] == consent.NOTICE_VERSION
    [row] = rows(sqlite_url, "callback_requests")
    assert (row["sender_id"], row["channel"], row["phone"], row["level"]) == (
        "socketio:web-1",
        "socketio",
        "+919810012345",
        "EMERGENCY",
    )
    assert row["consent_id"] == grant["id"] and row["language"] == "hinglish"


def test_declining_stores_nothing(sqlite_url):
    events, said = run_action(ActionSaveCallback(), tracker(callback_offer="offered"))
    assert [m["response"] for m in said] == ["utter_callback_declined"]
    assert slot_events(events) == {"callback_offer": "declined"}
    assert rows(sqlite_url, "consents") == [] and rows(sqlite_url, "callback_requests") == []


def test_a_missing_table_tells_the_patient_how_to_reach_the_clinic(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    events, said = run_action(ActionSaveCallback(), tracker(callback_phone="+919810012345"))
    assert [m["response"] for m in said] == ["utter_callback_not_saved"]
    assert slot_events(events) == {"callback_phone": None, "callback_offer": "declined"}
