"""The call-back offer over the real servers (domain/callback.yml, actions/callback.py):
after the emergency advice, never before it; accepted with a number (consent and number
stored), declined (nothing stored), an invalid number re-asked politely, a red flag while
the number is asked still escalates. The offer is for the web widget (socket.io); these
servers make it on the REST channel too (CALLBACK_OFFER_CHANNELS) to drive it over REST."""

import itertools

import pytest
from sqlalchemy import create_engine, text

from harness.servers import assistant_servers
from tests.integration.conftest import error_lines

pytestmark = pytest.mark.servers
_senders = itertools.count()
OFFER = {
    "en": "If you like, the clinic can also call you back.",
    "hi": "अगर आप चाहें, तो क्लिनिक आपको वापस कॉल भी कर सकता है।",
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    directory = tmp_path_factory.mktemp("callback")
    with assistant_servers(
        directory, extra_env={"CALLBACK_OFFER_CHANNELS": "socketio rest"}
    ) as running:
        yield running
    errors = {name: error_lines(log) for name, log in running.logs.items()}
    assert not any(errors.values()), errors


def rows(servers, table, sender):
    engine = create_engine(servers.env["DATABASE_URL"])
    with engine.connect() as connection:
        found = [
            dict(r._mapping)
            for r in connection.execute(
                text(f"SELECT * FROM {table} WHERE sender_id = :s"), {"s": f"rest:{sender}"}
            )
        ]
    engine.dispose()
    return found


def texts(replies):
    return [r.get("text") or "" for r in replies]


def emergency_then_offer(
    servers, message="I can't control my bladder since this morning", language="en"
):
    sender = f"callback-{next(_senders)}"
    replies = texts(servers.say(sender, message))
    offer = next(i for i, t in enumerate(replies) if t.startswith(OFFER[language]))
    advice = next(i for i, t in enumerate(replies) if "112" in t)
    assert advice < offer, replies  # the advice first, always
    return sender


def test_accepted_with_a_number_stores_consent_and_number(servers):
    sender = emergency_then_offer(servers)
    asked = texts(servers.say(sender, "/affirm"))
    assert asked == [
        "Which phone number should the clinic call? For example 98765 43210 or +91 98765 43210."
    ]
    saved = texts(servers.say(sender, "98100 12345"))
    assert saved[0].startswith("Thank you. The clinic will call you back on +919810012345.")
    [request] = rows(servers, "callback_requests", sender)
    assert request["phone"] == "+919810012345" and request["level"] == "EMERGENCY"
    [consent] = rows(servers, "consents", sender)
    assert consent["purpose"] == "callback" and consent["id"] == request["consent_id"]
    # the emergency reminder goes on afterwards, and the offer is not made again
    later = texts(servers.say(sender, "thank you"))
    assert later[0].startswith("⚠️ Please don't wait")
    assert not any(t.startswith(OFFER["en"]) for t in later)


def test_declined_stores_nothing_and_the_reminder_follows(servers):
    sender = emergency_then_offer(servers)
    replies = texts(servers.say(sender, "/deny"))
    assert replies[0].startswith("That's fine, no call back.")
    assert replies[1].startswith("⚠️ Please don't wait")
    assert rows(servers, "callback_requests", sender) == []
    assert rows(servers, "consents", sender) == []


def test_an_invalid_number_is_asked_again_politely_and_no_ends_it(servers):
    sender = emergency_then_offer(servers)
    servers.say(sender, "/affirm")
    again = texts(servers.say(sender, "12345"))
    assert again[0].startswith("Sorry, that doesn't look like an Indian mobile or landline")
    assert again[1].startswith("Which phone number should the clinic call?")
    ended = texts(servers.say(sender, "no"))
    assert ended[0].startswith("That's fine, no call back."), ended
    assert rows(servers, "callback_requests", sender) == []


def test_a_red_flag_while_the_number_is_asked_still_escalates(servers):
    sender = emergency_then_offer(servers)
    servers.say(sender, "/affirm")
    replies = servers.say(sender, "my legs are going weak")
    levels = [
        r["custom"]["emergency"]["level"] for r in replies if "emergency" in r.get("custom", {})
    ]
    assert levels and levels[0] == "EMERGENCY", replies
    tracker = servers.tracker(sender)
    assert tracker["active_loop"] in ({}, None) or not tracker["active_loop"].get("name")
    assert not any(t.startswith(OFFER["en"]) for t in texts(replies))  # offered once
    assert tracker["slots"]["escalation_categories"] == ["leg_weakness"]


def test_the_offer_follows_the_language_of_the_advice(servers):
    emergency_then_offer(servers, "मेरा पेशाब रुक गया है और पैर सुन्न हैं", language="hi")
