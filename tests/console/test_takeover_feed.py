"""The live takeover page's feed (console/takeover/): masked as the transcript is.

The feed is open to reviewers, who cannot reveal a conversation: the patient's and the
assistant's messages alike (the appointment summary repeats the name and the number) are
shown with the personal data hidden, the names the conversation gave included.
"""

from django.urls import reverse

from console.staff.models import Conversation
from console.staff.sync import sync


def test_the_feed_hides_personal_data_in_every_message(db, tracker, client_for):
    sender = "socketio:feed-1"
    tracker.turn(sender, "I want an appointment")
    tracker.slot(sender, "patient_name", "Kavita Sharma")
    tracker.turn(sender, "my number is 98100 12345", reply="Thanks")
    tracker.bot(sender, "Name: Kavita Sharma / Phone: +91 98100 12345")
    tracker.user(sender, "Kavita here again")
    sync()
    pk = Conversation.objects.get(sender_id=sender).pk
    response = client_for("reviewer").get(reverse("takeover:feed", args=[pk]), {"after": 0})
    assert response.status_code == 200
    texts = [item["text"] for item in response.json()["items"]]
    assert any("Name:" in t for t in texts) and any("again" in t for t in texts), texts
    shown = " ".join(texts)
    assert "98100" not in shown and "12345" not in shown, texts
    assert "Kavita" not in shown and "Sharma" not in shown, texts
