"""The console's conversations follow the tracker store's ids when they are scoped by channel."""

import io

from django.core.management import call_command

from console.staff.models import Conversation, Note
from console.staff.sync import sync


def test_scope_conversation_ids_renames_once_and_keeps_staff_data(db, tracker):
    tracker.turn("919876543210", "hello", channel="whatsapp")
    tracker.turn("0123456789abcdef0123456789abcdef", "hello", channel="socketio")
    tracker.turn("rest:already", "hello", channel="rest")
    sync()
    note = Note.objects.create(
        conversation=Conversation.objects.get(sender_id="919876543210"),
        kind="review",
        body="called back",
    )
    call_command("scope_conversation_ids", stdout=io.StringIO())
    assert set(Conversation.objects.values_list("sender_id", flat=True)) == {
        "whatsapp:919876543210",
        "socketio:0123456789abcdef0123456789abcdef",
        "rest:already",
    }
    note.refresh_from_db()
    assert note.conversation.sender_id == "whatsapp:919876543210"
    out = io.StringIO()
    call_command("scope_conversation_ids", stdout=out)
    assert out.getvalue() == ""


def test_the_list_shows_the_channel_and_the_channel_s_own_sender_id_masked(db, tracker, client_for):
    """The channel has a column of its own, so the sender column shows the channel's own id
    (no "twilio_whatsapp:" prefix pushing it out of view), personal data masked as
    everywhere in the lists (docs/security-console.md): the number itself never shows."""
    from django.urls import reverse

    tracker.turn("twilio_whatsapp:whatsapp:+919876543210", "hello", channel="twilio_whatsapp")
    tracker.turn("rest:tester-7", "hello", channel="rest")
    sync()
    page = client_for("reviewer").get(reverse("staff:conversations")).content.decode()
    assert '<td class="sender" data-label="Sender">tester-7</td>' in page
    assert 'data-label="Channel">twilio_whatsapp</td>' in page
    assert "919876543210" not in page and "twilio_whatsapp:whatsapp" not in page
