"""The analytics page against a tracker store seeded with known conversations: every
figure of every table (the page's HTML and the CSV export), the date range in the URL,
the first follow-up of an escalation and the audit of exports."""

import csv
import io
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import List

import pytest
from django.urls import reverse
from django.utils import timezone

from console.analytics.models import ConversationFacts, Feedback, FirstFollowUp
from console.staff.models import AuditEntry, Conversation, Escalation
from console.staff.sync import sync

DAY = timezone.localdate() - timedelta(days=10)
NOON = timezone.make_aware(datetime.combine(DAY, datetime.min.time())) + timedelta(hours=12)
RANGE = {"from": (DAY - timedelta(days=1)).isoformat(), "to": (DAY + timedelta(days=1)).isoformat()}
DAYS = [(DAY + timedelta(days=n)).isoformat() for n in (-1, 0, 1)]


class Clock:
    """Timestamps of the seeded events: the day at noon, one second apart."""

    def __init__(self, start):
        self.now = start.timestamp()

    def __call__(self):
        self.now += 1
        return self.now


def faq(tracker, sender, ts, topic, channel):
    tracker.user(sender, f"question about {topic}", intent="faq", channel=channel, ts=ts())
    tracker.action(sender, "utter_faq", ts=ts())
    tracker.add(
        sender,
        "bot",
        {"text": "answer", "data": {}, "metadata": {"utter_action": f"utter_faq/{topic}"}},
        ts=ts(),
    )
    tracker.action(sender, "action_listen", ts=ts())


def say(tracker, sender, ts, text, intent, channel, action="utter_x", confidence=0.99):
    tracker.user(sender, text, intent=intent, channel=channel, confidence=confidence, ts=ts())
    tracker.action(sender, action, ts=ts())
    tracker.action(sender, "action_listen", ts=ts())


def rating(tracker, sender, ts, value, topic, channel):
    text = f'/feedback{{"rating": "{value}", "feedback_topic": "{topic}"}}'
    say(tracker, sender, ts, text, "feedback", channel, "utter_feedback_thanks", 1.0)


def seed(tracker):
    """Nine conversations on DAY and one forty days before it."""
    ts = Clock(NOON)
    # 1: web, English: greeting, an FAQ, thumbs up
    say(tracker, "a1", ts, "hello", "greet", "socketio", "utter_greet")
    faq(tracker, "a1", ts, "kyphoplasty", "socketio")
    rating(tracker, "a1", ts, "up", "kyphoplasty", "socketio")
    # 2: WhatsApp, Hindi: greeting, an FAQ, thumbs down, then the rating after goodbye
    tracker.slot("a2", "language", "hi", ts=ts())
    say(tracker, "a2", ts, "नमस्ते", "greet", "whatsapp", "utter_greet")
    faq(tracker, "a2", ts, "recovery", "whatsapp")
    rating(tracker, "a2", ts, "down", "recovery", "whatsapp")
    rating(tracker, "a2", ts, "up", "conversation", "whatsapp")
    # 3: REST: symptom check to ROUTINE, then an appointment request
    say(tracker, "a3", ts, "my back hurts", "report_back_pain", "rest", "triage_form")
    tracker.add("a3", "active_loop", {"name": "triage_form"}, ts=ts())
    tracker.slot("a3", "triage_level", "ROUTINE", ts=ts())
    say(
        tracker, "a3", ts, "book please", "request_appointment", "rest", "action_submit_appointment"
    )
    # 4: web, Hinglish: one nlu_fallback, one confident message answered by the fallback
    tracker.slot("a4", "language", "hinglish", ts=ts())
    say(tracker, "a4", ts, "zxcv", "nlu_fallback", "socketio", "utter_default", 0.3)
    say(tracker, "a4", ts, "meena", "inform", "socketio", "utter_default", 0.97)
    say(tracker, "a4", ts, "kamar dard", "inform", "socketio", "utter_x", 0.95)
    # 5, 6, 7: escalations (5 and 6 are followed up below, 7 is not)
    tracker.escalation(
        "a5", "my legs are weak", "EMERGENCY", "leg_weakness", channel="whatsapp", ts=ts()
    )
    tracker.escalation("a6", "fever and back pain", "URGENT", "infection", ts=ts())
    tracker.escalation("a7", "I cannot pass urine", "EMERGENCY", ts=ts())
    # 8: asks for a person; 9: taken over by staff (Rasa's pause event)
    say(tracker, "a8", ts, "can I talk to a person", "request_human", "rest", "utter_human_contact")
    say(tracker, "a9", ts, "hi", "greet", "socketio", "utter_greet")
    tracker.add("a9", "pause", {}, ts=ts())
    # outside the range
    say(tracker, "old", Clock(NOON - timedelta(days=40)), "hello", "greet", "socketio")


@pytest.fixture
def seeded(db, tracker, client_for):
    seed(tracker)
    sync()
    clinician = client_for("clinician")
    for sender, minutes in (("a5", 20), ("a6", 50)):
        conversation = Conversation.objects.get(sender_id=sender)
        escalation = conversation.escalations.get()
        clinician.post(
            reverse("staff:followup", args=[conversation.pk, escalation.pk]),
            {"status": "called_back"},
        )
        # a later change is not the first follow-up
        clinician.post(
            reverse("staff:followup", args=[conversation.pk, escalation.pk]), {"status": "closed"}
        )
        first = FirstFollowUp.objects.get(escalation=escalation)
        assert first.at <= Escalation.objects.get(pk=escalation.pk).followup_at
        FirstFollowUp.objects.filter(pk=first.pk).update(
            at=escalation.at + timedelta(minutes=minutes)
        )
    return clinician


EXPECTED = {
    "per_day_channel": [
        ["day", "rest", "socketio", "whatsapp", "total"],
        [DAYS[0], "0", "0", "0", "0"],
        [DAYS[1], "4", "3", "2", "9"],
        [DAYS[2], "0", "0", "0", "0"],
    ],
    "per_day_language": [
        ["day", "en", "hi", "hinglish", "total"],
        [DAYS[0], "0", "0", "0", "0"],
        [DAYS[1], "7", "1", "1", "9"],
        [DAYS[2], "0", "0", "0", "0"],
    ],
    "funnel": [
        ["stage", "conversations", "share of all"],
        ["Conversations", "9", "100.0%"],
        ["Greeted", "3", "33.3%"],
        ["Asked an FAQ or started a symptom check", "3", "33.3%"],
        ["asked an FAQ", "2", "22.2%"],
        ["started a symptom check", "1", "11.1%"],
        ["Reached a triage level", "1", "11.1%"],
        ["EMERGENCY", "0", "0.0%"],
        ["URGENT", "0", "0.0%"],
        ["ROUTINE", "1", "11.1%"],
        ["SELF_CARE", "0", "0.0%"],
        ["Sent an appointment request", "1", "11.1%"],
    ],
    "containment": [
        [
            "conversations",
            "count",
            "no staff needed",
            "containment",
            "escalated",
            "asked for a person",
            "taken over",
        ],
        ["all", "9", "4", "44.4%", "3", "1", "1"],
        ["channel rest", "4", "1", "25.0%", "2", "1", "0"],
        ["channel socketio", "3", "2", "66.7%", "0", "0", "1"],
        ["channel whatsapp", "2", "1", "50.0%", "1", "0", "0"],
        ["language en", "7", "2", "28.6%", "3", "1", "1"],
        ["language hi", "1", "1", "100.0%", "0", "0", "0"],
        ["language hinglish", "1", "1", "100.0%", "0", "0", "0"],
    ],
    "fallback_language": [
        [
            "language",
            "patient messages",
            "fallbacks",
            "fallback rate",
            "conversations with one",
            "share of conversations",
        ],
        ["en", "10", "0", "0.0%", "0", "0.0%"],
        ["hi", "4", "0", "0.0%", "0", "0.0%"],
        ["hinglish", "3", "2", "66.7%", "1", "100.0%"],
        ["all", "17", "2", "11.8%", "1", "11.1%"],
    ],
    "fallback_channel": [
        [
            "channel",
            "patient messages",
            "fallbacks",
            "fallback rate",
            "conversations with one",
            "share of conversations",
        ],
        ["rest", "5", "0", "0.0%", "0", "0.0%"],
        ["socketio", "7", "2", "28.6%", "1", "33.3%"],
        ["whatsapp", "5", "0", "0.0%", "0", "0.0%"],
        ["all", "17", "2", "11.8%", "1", "11.1%"],
    ],
    "escalations": [
        ["day", "EMERGENCY", "URGENT", "total", "followed up", "median wait", "p90 wait"],
        [DAYS[1], "2", "1", "3", "2", "35 min", "50 min"],
        ["all", "2", "1", "3", "2", "35 min", "50 min"],
    ],
    "feedback": [
        ["topic", "language", "helpful", "not helpful", "helpful rate"],
        ["conversation", "hi", "1", "0", "100.0%"],
        ["kyphoplasty", "en", "1", "0", "100.0%"],
        ["recovery", "hi", "0", "1", "0.0%"],
        ["all", "all", "2", "1", "66.7%"],
    ],
}
CSV = {
    "funnel": [
        ["stage", "conversations", "share of all"],
        ["Conversations", "9", "100.0"],
        ["Greeted", "3", "33.33"],
    ],
    "escalations": [
        ["day", "EMERGENCY", "URGENT", "total", "followed up", "median wait", "p90 wait"],
        [DAYS[1], "2", "1", "3", "2", "35.0", "50.0"],
        ["all", "2", "1", "3", "2", "35.0", "50.0"],
    ],
    "feedback": [
        ["topic", "language", "helpful", "not helpful", "helpful rate"],
        ["conversation", "hi", "1", "0", "100.0"],
        ["kyphoplasty", "en", "1", "0", "100.0"],
        ["recovery", "hi", "0", "1", "0.0"],
        ["all", "all", "2", "1", "66.67"],
    ],
}


class Tables(HTMLParser):
    """{data-table name: [[cell text, ...], ...]} of the page's figure tables."""

    def __init__(self):
        super().__init__()
        self.found, self.table, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.table = self.found.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict:
    parser = Tables()
    parser.feed(html)
    return parser.found


def test_every_figure_of_the_page(seeded):
    response = seeded.get(reverse("analytics:analytics"), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert page_tables(html) == EXPECTED
    assert "<strong>9</strong> conversations, <strong>17</strong> patient messages" in html
    assert html.count("<svg") == 5 and "<script" not in html and "style=" not in html
    assert 'class="s0" x=' in html  # bars drawn


def test_facts_and_feedback_rows(seeded):
    facts = {
        f.conversation.sender_id: f
        for f in ConversationFacts.objects.select_related("conversation")
    }
    assert facts["a4"].fallback_replies == 2 and facts["a4"].language == "hinglish"
    assert facts["a9"].taken_over and not facts["a9"].contained
    assert facts["old"].day == DAY - timedelta(days=40)
    assert sorted(Feedback.objects.values_list("rating", "topic", "language", "channel")) == [
        ("down", "recovery", "hi", "whatsapp"),
        ("up", "conversation", "hi", "whatsapp"),
        ("up", "kyphoplasty", "en", "socketio"),
    ]


def test_the_range_is_in_the_url(seeded):
    old = (DAY - timedelta(days=40)).isoformat()
    html = seeded.get(reverse("analytics:analytics"), {"from": old, "to": old}).content.decode()
    tables = page_tables(html)
    assert tables["per_day_channel"] == [["day", "socketio", "total"], [old, "1", "1"]]
    assert tables["funnel"][1:3] == [["Conversations", "1", "100.0%"], ["Greeted", "1", "100.0%"]]
    assert f'value="{old}"' in html
    # a range that ends before it starts falls back to the default range, and says so
    bad = seeded.get(reverse("analytics:analytics"), {"from": RANGE["to"], "to": RANGE["from"]})
    assert bad.status_code == 200 and "The range starts after it ends." in bad.content.decode()


def csv_rows(response) -> List[List[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_of_every_table_is_audited(seeded):
    for name, expected in EXPECTED.items():
        response = seeded.get(reverse("analytics:analytics_export"), {"table": name, **RANGE})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = csv_rows(response)
        assert rows[0] == expected[0] and len(rows) == len(expected)
        if name in CSV:
            assert rows[: len(CSV[name])] == CSV[name]
        entry = AuditEntry.objects.filter(action="export_csv").first()
        assert entry.target == f"analytics: {name}"
        assert entry.detail == {
            "rows": len(expected) - 1,
            "table": name,
            "start": RANGE["from"],
            "end": RANGE["to"],
        }
    missing = seeded.get(reverse("analytics:analytics_export"), {"table": "nope", **RANGE})
    assert missing.status_code == 404


def test_the_navigation_links_the_page_for_clinicians_only(seeded, client_for):
    url = reverse("analytics:analytics")
    assert f'href="{url}"' in seeded.get(reverse("staff:conversations")).content.decode()
    reviewer = client_for("reviewer").get(reverse("staff:conversations")).content.decode()
    assert f'href="{url}"' not in reviewer


def test_a_deleted_conversation_leaves_the_daily_counts(seeded):
    """Erasure and retention delete conversations: their day is counted again."""
    from console.analytics.models import DailyCounts, StaleDay

    Conversation.objects.filter(sender_id__in=["a1", "a4"]).delete()
    assert list(StaleDay.objects.values_list("day", flat=True)) == [DAY]
    html = seeded.get(reverse("analytics:analytics"), RANGE).content.decode()
    tables = page_tables(html)
    assert tables["per_day_channel"][0] == ["day", "rest", "whatsapp", "socketio", "total"]
    assert tables["per_day_channel"][2] == [DAYS[1], "4", "2", "1", "7"]
    assert tables["fallback_language"][-1] == ["all", "11", "0", "0.0%", "0", "0.0%"]
    assert tables["feedback"][-1] == ["all", "all", "1", "1", "50.0%"]
    assert not StaleDay.objects.exists()
    assert sum(DailyCounts.objects.values_list("conversations", flat=True)) == 8  # with "old"


def test_names_from_the_events_are_escaped(db, tracker, client_for):
    ts = Clock(NOON)
    channel = '<img src=x onerror="alert(1)">'
    say(tracker, "x1", ts, "hello", "greet", channel)
    rating(tracker, "x1", ts, "up", "<b>topic</b>", channel)
    sync()
    html = client_for("clinician").get(reverse("analytics:analytics"), RANGE).content.decode()
    assert "<img" not in html and "<b>topic" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_a_typed_topic_is_not_kept(db, tracker):
    """A payload typed by hand can put the patient's words where the topic goes: only a
    topic's name (letters, digits, _) is kept, so the analytics hold no patient text."""
    ts = Clock(NOON)
    say(tracker, "t1", ts, "hello", "greet", "socketio")
    rating(tracker, "t1", ts, "up", "Kavita 98100 12345", "socketio")
    rating(tracker, "t1", ts, "down", "what_is_kyphoplasty", "socketio")
    sync()
    assert sorted(Feedback.objects.values_list("topic", flat=True)) == ["", "what_is_kyphoplasty"]
