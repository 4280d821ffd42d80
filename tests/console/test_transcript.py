"""What the transcript and the list say about single turns: fallbacks of the bot itself,
and the intent-correction form that must never pick an intent for the reviewer."""

import re

import pytest
from django.urls import reverse

from console.staff.models import Conversation, IntentAnnotation
from console.staff.sync import sync


def fallback_turn(tracker, sender, text, intent, confidence, action):
    """A message the classifier placed, answered by the bot's fallback."""
    event_id = tracker.user(sender, text, intent=intent, confidence=confidence)
    tracker.action(sender, action)
    if action == "utter_default":
        tracker.add(
            sender,
            "bot",
            {
                "text": "Sorry, I'm not sure I understood.",
                "data": {},
                "metadata": {"utter_action": "utter_default"},
            },
        )
    tracker.action(sender, "action_listen")
    return event_id


@pytest.mark.parametrize("action", ["utter_default", "action_default_fallback"])
def test_the_bots_own_fallback_is_a_fallback(db, tracker, client_for, action):
    tracker.turn("confident", "hello")
    event_id = fallback_turn(tracker, "confident", "meena gupta", "inform", 0.97, action)
    tracker.turn("fine", "hello")
    sync()
    conversation = Conversation.objects.get(sender_id="confident")
    assert conversation.has_fallback and not conversation.has_low_confidence
    assert not Conversation.objects.get(sender_id="fine").has_fallback
    client = client_for("reviewer")
    client.post(reverse("staff:conversations"), {"quality": "fallback"})
    listed = client.get(reverse("staff:conversations")).content.decode()
    assert f'href="/conversations/{conversation.pk}/"' in listed
    assert '<span class="badge">fallback</span>' in listed
    page = client.get(reverse("staff:transcript", args=[conversation.pk])).content.decode()
    message = re.search(rf'<li id="m-{event_id}".*?</li>', page, re.S).group(0)
    assert '<span class="badge">fallback</span>' in message


def intent_select(page, event_id):
    pattern = rf'<select id="intent-{event_id}" name="intent">(.*?)</select>'
    return re.search(pattern, page, re.S).group(1)


def test_the_correction_dropdown_chooses_nothing_by_itself(db, tracker, client_for):
    gibberish = tracker.turn("gibberish", "qwzx vbnm plk", intent="nlu_fallback", confidence=0.2)
    sync()
    pk = Conversation.objects.get(sender_id="gibberish").pk
    client = client_for("reviewer")
    page = client.get(reverse("staff:transcript", args=[pk])).content.decode()
    options = re.findall(r'<option value="([^"]*)"( selected)?>', intent_select(page, gibberish))
    assert options[0] == ("", " selected")
    assert [value for value, selected in options if selected] == [""]
    assert ("affirm", "") in options
    # saving the untouched form records nothing
    response = client.post(
        reverse("staff:intent", args=[pk, gibberish]),
        {"verdict": "corrected", "intent": ""},
        follow=True,
    )
    assert "Choose one of the assistant" in response.content.decode()
    assert not IntentAnnotation.objects.exists()
    # a saved correction is shown as chosen
    client.post(
        reverse("staff:intent", args=[pk, gibberish]),
        {"verdict": "corrected", "intent": "out_of_scope"},
    )
    page = client.get(reverse("staff:transcript", args=[pk])).content.decode()
    options = re.findall(r'<option value="([^"]*)"( selected)?>', intent_select(page, gibberish))
    assert [value for value, selected in options if selected] == ["out_of_scope"]
