"""Conversations produced by the trained assistant (real Rasa and action servers), stored
in SQLite and, in a second run, in PostgreSQL, then listed, filtered and shown."""

import html
import re
from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from console.staff.models import Conversation, Tag
from console.staff.sync import sync
from contract import conversation_id, split_conversation_id
from tests.console.conftest import CONVERSATIONS, fallback_texts, predictions

pytestmark = pytest.mark.servers
XSS = "<script>alert(1)</script>"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, db):
    url, replies = request.getfixturevalue(f"assistant_store_{request.param}")
    with override_settings(TRACKER_DATABASE_URL=url):
        sync()
        yield {**replies, "url": url}


def senders(page) -> list:
    """The REST senders listed: the list shows the channel's own sender id ("rest:" off)."""
    return re.findall(r'<td class="sender"[^>]*>([^<]*)</td>', page.content.decode())


def listed(client, **filters) -> list:
    response = client.post(reverse("staff:conversations"), filters)
    assert response.status_code == 302, response.content[-2000:]
    return senders(client.get(reverse("staff:conversations")))


def pk(sender):
    return Conversation.objects.get(sender_id=conversation_id("rest", sender)).pk


def test_the_assistant_answered(store):
    assert store["c-emergency"][1][0]["text"].startswith("⚠️")
    assert any("Done: your request" in r.get("text", "") for r in store["c-appointment"][-1])


def test_list_shows_every_conversation_newest_first(store, client_for):
    page = client_for("reviewer").get(reverse("staff:conversations"))
    shown = senders(page)
    assert sorted(shown) == sorted(CONVERSATIONS)
    last = [
        Conversation.objects.get(sender_id=conversation_id("rest", s)).last_event_at for s in shown
    ]
    assert last == sorted(last, reverse=True)
    content = page.content.decode()
    row = re.search(r'<tr class="escalated emergency">.*?c-emergency', content, re.S)
    assert row, "the emergency conversation stands out"
    assert re.search(r'<tr class="escalated urgent">(?:(?!</tr>).)*c-urgent', content, re.S)
    # urgent (fever) and emergency (legs; triage) conversations await follow-up
    assert "3 escalated conversations awaiting follow-up" in content


def fallback_answers(url: str) -> set:
    """REST senders the assistant answered with its fallback response or action (stored
    as "rest:<sender>", listed without the prefix)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        found = {
            split_conversation_id(row[0])[1]
            for row in connection.execute(
                text(
                    "SELECT DISTINCT sender_id FROM events WHERE type_name = 'action' "
                    "AND action_name IN ('utter_default', 'action_default_fallback')"
                )
            )
        }
    engine.dispose()
    return found


def test_filters(store, client_for):
    client = client_for("reviewer")
    assert sorted(listed(client, level="EMERGENCY")) == ["c-emergency", "c-triage"]
    assert listed(client, level="URGENT") == ["c-urgent"]
    assert sorted(listed(client, level="escalated", followup="open")) == [
        "c-emergency",
        "c-triage",
        "c-urgent",
    ]
    without_level = listed(client, level="none")
    assert "c-faq" in without_level and "c-urgent" not in without_level
    fallback_texts(store["url"])  # c-fallback has at least one
    # the classifier fell back, or the assistant answered with its fallback anyway
    fell_back = sorted(
        {
            s
            for s, turns in predictions(store["url"]).items()
            if any(intent == "nlu_fallback" for _, intent in turns)
        }
        | fallback_answers(store["url"])
    )
    assert sorted(listed(client, quality="fallback")) == fell_back
    assert set(fell_back) <= set(listed(client, quality="either"))
    assert listed(client, q="KYPHOPLASTY") == ["c-faq"]
    assert listed(client, q="legs are going") == ["c-emergency"]
    assert listed(client, q="c-urgent") == ["c-urgent"]
    assert sorted(listed(client, channel="rest")) == sorted(CONVERSATIONS)
    today = date.today()
    day = timedelta(days=1)
    assert len(listed(client, date_from=today - day, date_to=today + day)) == 7
    assert listed(client, date_to=today - timedelta(days=2)) == []
    client.post(reverse("staff:review", args=[pk("c-faq")]), {"reviewed": "on"})
    assert listed(client, reviewed="yes") == ["c-faq"]
    assert "c-faq" not in listed(client, reviewed="no") and len(listed(client, reviewed="no")) == 6
    client.post(reverse("staff:tags", args=[pk("c-urgent")]), {"name": "Needs Callback"})
    tag = Tag.objects.get(name="needs callback")
    assert listed(client, tag=str(tag.pk)) == ["c-urgent"]
    assert listed(client, level="EMERGENCY", q="thanks") == ["c-emergency"]
    # the filters live in the session, not in the URL
    response = client.post(reverse("staff:conversations"), {"q": "legs"})
    assert response["Location"] == "/conversations/"
    client.post(reverse("staff:conversations"), {"reset": "1"})
    assert len(senders(client.get(reverse("staff:conversations")))) == 7


def test_transcript_of_a_red_flag_escalation(store, client_for):
    page = client_for("reviewer").get(reverse("staff:transcript", args=[pk("c-emergency")]))
    content = html.unescape(page.content.decode())
    for text in ["hello", "my legs are going weak", "thanks"]:
        assert f'<p class="text">{text}</p>' in content
    assert "Intent red_flag_emergency" in re.sub(r"</?code>", "", content)
    assert "classifier:" in content and "confidence 100%" in content
    assert "leg_weakness: “legs are going weak”" in content
    assert "⚠️" in content and "action utter_greet" in re.sub(r"</?code>", "", content)
    assert " · Patient · rest" in content
    assert re.search(r"slot <code>escalation_level</code> = EMERGENCY", content)
    assert re.search(r"<dt>emergency_active</dt><dd>true</dd>", content)
    escalations = content.split('<section aria-labelledby="esc-title"', 1)[1].split("</section>")[0]
    assert escalations.count('class="escalation emergency"') == 1
    assert "leg_weakness" in escalations and "Not yet followed up" in escalations
    assert 'name="status"' not in escalations  # reviewers do not set follow-up
    assert "Clinical note" not in content


def test_triage_escalation_and_fallback_turn(store, client_for):
    client = client_for("clinician")
    page = client.get(reverse("staff:transcript", args=[pk("c-triage")]))
    triage = html.unescape(page.content.decode())
    assert "triage: " in triage and "<dt>triage_level</dt><dd>EMERGENCY</dd>" in triage
    fallback = client.get(reverse("staff:transcript", args=[pk("c-fallback")])).content.decode()
    assert "nlu_fallback" in fallback and 'badge">fallback' in fallback


def test_a_script_message_is_shown_as_text(store, client_for):
    client = client_for("reviewer")
    for page in (
        client.get(reverse("staff:conversations")),
        client.get(reverse("staff:transcript", args=[pk("c-xss")])),
    ):
        content = page.content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert XSS not in content and "<script" not in content


def test_clinician_follows_up_an_escalation(store, client_for):
    client = client_for("clinician")
    conversation = Conversation.objects.get(sender_id=conversation_id("rest", "c-urgent"))
    esc = conversation.escalations.get()
    assert (esc.level, esc.categories, esc.recorded) == ("URGENT", ["infection"], True)
    response = client.post(
        reverse("staff:followup", args=[conversation.pk, esc.pk]),
        {"status": "called_back", "note": "Spoke to the patient; GP today."},
    )
    assert response.status_code == 302
    page = client.get(reverse("staff:transcript", args=[conversation.pk])).content.decode()
    assert "Called back" in page and "Spoke to the patient; GP today." in page
    conversation.refresh_from_db()
    assert not conversation.needs_followup
    assert (
        "2 escalated conversations awaiting follow-up"
        in client.get(reverse("staff:conversations")).content.decode()
    )
    hidden = client_for("reviewer").get(reverse("staff:transcript", args=[conversation.pk]))
    assert "Spoke to the patient" not in hidden.content.decode()


def test_appointment_requests(store, client_for):
    client = client_for("clinician")
    page = client.get(reverse("staff:appointments")).content.decode()
    assert "Meena Gupta" in page and "+919810012345" in page and 'value="new" selected' in page
    request_id = int(re.search(r"/appointments/(\d+)/status/", page).group(1))
    client.post(reverse("staff:appointment_status", args=[request_id]), {"status": "booked"})
    page = client.get(reverse("staff:appointments") + "?status=booked").content.decode()
    assert "Meena Gupta" in page and 'value="booked" selected' in page
    assert f'href="/conversations/{pk("c-appointment")}/"' in page


def test_the_analytics_facts_of_real_conversations(store):
    """What the analytics page counts, read from the events the real assistant wrote."""
    from console.analytics.models import ConversationFacts

    facts = {
        split_conversation_id(f.conversation.sender_id)[1]: f
        for f in ConversationFacts.objects.select_related("conversation")
    }
    assert sorted(facts) == sorted(CONVERSATIONS)
    assert facts["c-faq"].greeted and facts["c-faq"].faq and facts["c-faq"].contained
    assert facts["c-emergency"].escalated and not facts["c-emergency"].contained
    assert facts["c-triage"].symptom_check
    assert facts["c-appointment"].appointment and not facts["c-appointment"].escalated
    assert facts["c-fallback"].fallback_replies >= len(fallback_texts(store["url"]))
    assert {f.channel for f in facts.values()} == {"rest"}
    assert all(f.patient_messages == len(CONVERSATIONS[s]) for s, f in facts.items())
