"""The red-flag path over the real REST channel, across messages: the possible-emergency
question and its answers, clinical context said earlier, text that starts with "/", a new
session after an emergency, and the record when the action server is down."""

import itertools

import pytest

from harness.servers import assistant_servers

pytestmark = pytest.mark.servers
_senders = itertools.count()


def new_sender(prefix):
    return f"{prefix}-{next(_senders)}"


def emergency_level(replies):
    return next(
        (r["custom"]["emergency"]["level"] for r in replies if "emergency" in r.get("custom", {})),
        None,
    )


def slot(servers, sender, name):
    return servers.tracker(sender)["slots"].get(name)


@pytest.mark.parametrize(
    "answer,opening",
    [
        # a clearly Hinglish or Hindi answer switches the conversation: the advice follows it
        ("haan", "⚠️ You mentioned"),  # short and neutral: the language stays English
        ("yes", "⚠️ You mentioned"),
        ("pata nahi", "⚠️ Aapne bataya"),
        ("हाँ", "⚠️ आपने बताया"),
        ('/red_flag_now{"red_flag_answer": "yes"}', "⚠️ You mentioned"),
        ('/red_flag_now{"red_flag_answer": "unsure"}', "⚠️ You mentioned"),
    ],
)
def test_yes_or_not_sure_to_a_possible_emergency_is_the_emergency_path(servers, answer, opening):
    sender = new_sender("possible-yes")
    first = servers.say(sender, "I think maybe I can't feel my bottom")
    assert emergency_level(first) == "POSSIBLE" and "112" in first[0]["text"]
    replies = servers.say(sender, answer)
    assert replies[0]["text"].startswith(opening), replies
    assert emergency_level(replies) == "EMERGENCY"
    assert slot(servers, sender, "escalation_level") == "EMERGENCY"
    assert slot(servers, sender, "escalation_categories") == ["saddle_numbness"]


@pytest.mark.parametrize("answer", ["no", "nahi", '/red_flag_now{"red_flag_answer": "no"}'])
def test_no_to_a_possible_emergency_continues_the_conversation(servers, answer):
    sender = new_sender("possible-no")
    servers.say(sender, "maybe I leaked a little urine")
    replies = servers.say(sender, answer)
    assert emergency_level(replies) is None, replies
    assert "112" in replies[0]["text"] and not replies[0]["text"].startswith("⚠️")
    assert slot(servers, sender, "emergency_active") is False
    assert not servers.say(sender, "what is kyphoplasty?")[0]["text"].startswith("⚠️")


def test_a_procedure_said_earlier_makes_new_leg_pain_an_emergency(servers):
    sender = new_sender("context")
    assert emergency_level(servers.say(sender, "I had kyphoplasty last week")) is None
    replies = servers.say(sender, "now there is a new pain shooting down my leg")
    assert replies[0]["text"].startswith(
        "⚠️ You mentioned new pain in your leg after the procedure"
    ), replies
    assert slot(servers, sender, "escalation_categories") == ["post_procedure_leg"]


def test_a_short_follow_up_is_read_with_the_message_before(servers):
    sender = new_sender("follow-up")
    servers.say(sender, "there is pain down my right leg")
    replies = servers.say(sender, "now both")
    assert emergency_level(replies) == "EMERGENCY", replies


def test_text_that_starts_with_a_slash_is_screened(servers):
    replies = servers.say(new_sender("slash"), "/ my legs are weak since morning")
    assert emergency_level(replies) == "EMERGENCY", replies


def test_a_new_session_keeps_the_emergency_reminder(servers):
    sender = new_sender("session")
    servers.say(sender, "I can't control my bladder since morning")
    servers.say(sender, "/session_start")
    replies = servers.say(sender, "hello")
    assert replies[0]["text"].startswith("⚠️ Please don't wait"), replies
    assert slot(servers, sender, "patient_name") is None


def test_the_escalation_is_recorded_with_the_action_server_down(tmp_path):
    with assistant_servers(tmp_path, with_actions=False) as servers:
        sender = new_sender("down")
        servers.say(sender, "I had vertebroplasty 3 days ago")
        replies = servers.say(sender, "since this morning I am breathless")
        assert replies[0]["text"].startswith("⚠️ You mentioned"), replies
        assert slot(servers, sender, "escalation_level") == "EMERGENCY"
        assert slot(servers, sender, "emergency_active") is True
