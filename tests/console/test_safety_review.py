"""The safety review loop's list: messages with possible red-flag findings and the
patients' answers, and concepts cancelled by context, listed for review (marking a message
as a missed red flag and exporting the marks: test_safety_review_marks.py)."""

import html
import re

import pytest
from django.urls import reverse

from console.staff.models import FlaggedMessage
from console.staff.red_flag_review import flagged_messages
from console.staff.sync import sync
from console.staff.tracker import events_of

ASK = "utter_ask_red_flag_now"


def possible(tracker, sender, text, category="bladder", level="EMERGENCY"):
    """A message with one possible finding, answered as the red-flag policy answers it."""
    flags = [{"category": category, "level": level, "text": text[:12], "certainty": "possible"}]
    event_id = tracker.user(sender, text, intent="inform", red_flags=flags)
    if level == "EMERGENCY":
        # the policy's slots come before its action (rasa.core.processor)
        tracker.slot(sender, "red_flag_pending", {"categories": [category]})
        tracker.action(sender, ASK)
        tracker.bot(sender, "If this is happening now, call 112. Is this happening now?")
    else:
        tracker.action(sender, "utter_urgent_advice_possible")
        tracker.bot(sender, "Please see a doctor within a day.")
    tracker.action(sender, "action_listen")
    return event_id


def answer(tracker, sender, text, intent, action, value=None):
    """The patient's answer to "Is this happening now?" and the first action after it."""
    entities = [{"entity": "red_flag_answer", "value": value}] if value else []
    tracker.add(
        sender,
        "user",
        {
            "text": text,
            "input_channel": "rest",
            "parse_data": {
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities,
                "text": text,
                "red_flags": [],
            },
        },
        intent=intent,
    )
    tracker.action(sender, action)
    tracker.bot(sender, "ok")
    tracker.action(sender, "action_listen")


@pytest.fixture
def seeded(db, any_tracker):
    """Possible findings answered yes (button), no (typed), not sure (typed), one not
    yet answered, one possible URGENT, and one confirmed emergency."""
    t = any_tracker
    t.turn("p-yes", "hello")
    possible(t, "p-yes", "I think maybe I can't pee since morning")
    answer(
        t,
        "p-yes",
        '/red_flag_now{"red_flag_answer": "yes"}',
        "red_flag_now",
        "utter_emergency_advice",
        "yes",
    )
    possible(t, "p-no", "legs felt weak last year, call me on 98100 12345", "leg_weakness")
    answer(t, "p-no", "no", "deny", "utter_red_flag_not_now")
    possible(t, "p-unsure", "something wrong down there", "saddle_numbness")
    answer(t, "p-unsure", "pata nahi", "not_sure", "utter_emergency_advice")
    possible(t, "p-pending", "papa can't feel his legs i think", "leg_numbness")
    possible(t, "p-urgent", "maybe a little fever with the back pain", "infection", "URGENT")
    t.escalation("p-confirmed", "I cannot pass urine at all")
    sync()
    return t


def rows_of(page):
    """(patient's words, patient's answer) of each listed message, in order."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    cells = re.findall(
        r'data-label="Patient.s words">(.*?)</td>'
        r'.*?data-label="Patient.s answer">(.*?)</td>',
        body,
        re.S,
    )
    return [
        (html.unescape(re.sub(r"<[^>]+>", "", words)).strip(), said.strip())
        for words, said in cells
    ]


def listed(client, **query):
    response = client.get(reverse("staff:safety_review"), query)
    assert response.status_code == 200
    return rows_of(response.content.decode())


def test_possible_findings_are_listed_newest_first_with_the_answers(seeded, client_for):
    rows = listed(client_for("reviewer"))
    assert [said for _, said in rows] == ["Not asked", "No answer yet", "Not sure", "No", "Yes"]
    words = [w for w, _ in rows]
    assert words[0].startswith("maybe a little fever") and words[-1].startswith("I think maybe")
    assert not any("cannot pass urine" in w for w in words)
    flagged = FlaggedMessage.objects.get(conversation__sender_id="p-yes")
    assert (flagged.level, flagged.certainty, flagged.categories, flagged.reply) == (
        "EMERGENCY",
        "possible",
        ["bladder"],
        ASK,
    )


def test_the_patients_words_are_masked(seeded, client_for):
    page = client_for("clinician").get(reverse("staff:safety_review")).content.decode()
    assert "98100" not in page and "12345" not in page
    assert 'call me on <span class="pii">phone number hidden</span>' in page


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"certainty": "confirmed"}, ["I cannot pass urine at all"]),
        ({"answer": "no"}, ["legs felt weak last year"]),
        ({"answer": "not_sure"}, ["something wrong down there"]),
        ({"category": "leg_numbness"}, ["papa can't feel his legs"]),
        ({"level": "URGENT"}, ["maybe a little fever"]),
        ({"certainty": "any", "category": "bladder"}, ["I cannot pass urine", "I think maybe"]),
    ],
)
def test_filters_in_the_url(seeded, client_for, query, expected):
    words = [w for w, _ in listed(client_for("reviewer"), **query)]
    assert len(words) == len(expected), words
    assert all(w.startswith(e) for w, e in zip(words, expected)), words


def test_the_answer_follows_later_events(db, tracker):
    possible(tracker, "later", "maybe my bladder is not working")
    sync()
    assert FlaggedMessage.objects.get().answer == "pending"
    answer(tracker, "later", "haan", "affirm", "utter_emergency_advice")
    sync()
    assert FlaggedMessage.objects.get().answer == "yes"


def test_a_question_asked_from_earlier_messages_is_a_possible_emergency(db, tracker):
    """The policy may ask after a message without findings of its own (a sign completed
    by a fact said before): the turn is listed with the pending categories."""
    tracker.turn("context", "I had kyphoplasty last week")
    message = tracker.user("context", "now a new pain down my leg", intent="inform")
    tracker.slot("context", "red_flag_pending", {"categories": ["post_procedure_leg"]})
    tracker.action("context", ASK)
    rows = flagged_messages(events_of("context"))
    assert [
        (r["event_id"], r["level"], r["certainty"], r["categories"], r["answer"]) for r in rows
    ] == [(message, "EMERGENCY", "possible", ["post_procedure_leg"], "pending")]


def test_an_emergency_confirmed_from_earlier_messages_is_listed(db, tracker):
    """As the real assistant logs it: the policy's escalation slots, then its advice;
    an answer's escalation (after the question) is not a second row."""
    tracker.turn("ctx", "I had kyphoplasty last week")
    message = tracker.user("ctx", "now a new pain shooting down my leg", intent="inform")
    tracker.slot("ctx", "escalation_level", "EMERGENCY")
    tracker.slot("ctx", "escalation_categories", ["post_procedure_leg"])
    tracker.action("ctx", "utter_emergency_advice")
    tracker.action("ctx", "action_listen")
    possible(tracker, "ctx", "maybe I leaked a little urine")
    tracker.user("ctx", "yes", intent="affirm")
    tracker.slot("ctx", "escalation_level", "EMERGENCY")
    tracker.action("ctx", "utter_emergency_advice")
    rows = flagged_messages(events_of("ctx"))
    assert [(r["level"], r["certainty"], r["categories"], r["answer"]) for r in rows] == [
        ("EMERGENCY", "confirmed", ["post_procedure_leg"], ""),
        ("EMERGENCY", "possible", ["bladder"], "yes"),
    ]
    assert rows[0]["event_id"] == message and rows[0]["reply"] == "utter_emergency_advice"


def cancelled(tracker, sender, text, flags, found=(), reply="utter_faq"):
    """A message whose red-flag concepts the screen's context cancelled (its parse result's
    `red_flags_cancelled`), with `found` findings beside them, and the assistant's reply."""
    parse = {
        "intent": {"name": "inform", "confidence": 0.9},
        "entities": [],
        "text": text,
        "red_flags": list(found),
        "red_flags_cancelled": flags,
    }
    event_id = tracker.add(
        sender,
        "user",
        {"text": text, "input_channel": "rest", "parse_data": parse},
        intent="inform",
    )
    tracker.action(sender, reply)
    tracker.bot(sender, "ok")
    tracker.action(sender, "action_listen")
    return event_id


def denied(category, text, reason="negated", level="EMERGENCY"):
    return {"category": category, "level": level, "text": text, "reason": reason}


@pytest.fixture
def with_cancelled(seeded):
    """The seeded review plus: a denial, a resolved history, a possible finding beside a
    denial, and a denial that the policy then answered as an emergency from earlier
    messages."""
    t = seeded
    cancelled(
        t,
        "c-neg",
        "no numbness in my legs, when is the clinic open",
        [denied("leg_numbness", "numbness in my legs")],
    )
    cancelled(
        t,
        "c-resolved",
        "bladder trouble in 2019 but it went away after surgery",
        [denied("bladder", "bladder trouble", "resolved")],
    )
    mixed = [
        {
            "category": "saddle_numbness",
            "level": "EMERGENCY",
            "text": "bottom",
            "certainty": "possible",
        }
    ]
    cancelled(
        t,
        "c-mixed",
        "no chest pain, I think maybe I can't feel my bottom",
        [denied("post_procedure_chest", "chest pain")],
        found=mixed,
        reply=ASK,
    )
    t.turn("c-ctx", "I had kyphoplasty last week")
    event_id = t.add(
        "c-ctx",
        "user",
        {
            "text": "no fever but now new pain down my leg",
            "input_channel": "rest",
            "parse_data": {
                "intent": {"name": "inform", "confidence": 0.9},
                "entities": [],
                "red_flags": [],
                "red_flags_cancelled": [denied("infection", "fever", level="URGENT")],
            },
        },
        intent="inform",
    )
    t.slot("c-ctx", "escalation_level", "EMERGENCY")
    t.slot("c-ctx", "escalation_categories", ["post_procedure_leg"])
    t.action("c-ctx", "utter_emergency_advice")
    t.action("c-ctx", "action_listen")
    sync()
    return t, event_id


def cancelled_rows(page):
    """(patient's words, what was cancelled) of the "Cancelled by context" list."""
    body = re.search(
        r'<table class="list cards" id="cancelled">.*?<tbody>(.*?)</tbody>', page, re.S
    ).group(1)
    cells = re.findall(
        r'data-label="Cancelled">(.*?)</td>.*?'
        r'data-label="Patient.s words">(.*?)</td>',
        body,
        re.S,
    )
    text = lambda cell: " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())  # noqa: E731
    return [(text(words), text(what)) for what, words in cells]


def test_concepts_cancelled_by_context_are_listed_beside_the_possible_findings(
    with_cancelled, client_for
):
    _, upgraded = with_cancelled
    page = client_for("reviewer").get(reverse("staff:safety_review")).content.decode()
    assert cancelled_rows(page) == [
        ("bladder trouble in 2019 but it went away after surgery", "EMERGENCY bladder: resolved"),
        ("no numbness in my legs, when is the clinic open", "EMERGENCY leg_numbness: negated"),
    ]
    assert "2 messages, newest first" in page
    # a possible finding beside a cancelled one: in the possible list, with both shown
    possible_list = rows_of(page)
    assert possible_list[0] == (
        "no chest pain, I think maybe I can't feel my bottom",
        "No answer yet",
    )
    assert "post_procedure_chest (EMERGENCY, cancelled: negated)" in page
    assert "saddle_numbness (EMERGENCY, possible)" in page
    # a cancelled concept in a message the policy answered as an emergency from earlier
    # messages: a confirmed row, not a cancelled one
    row = FlaggedMessage.objects.get(conversation__sender_id="c-ctx")
    assert (row.event_id, row.level, row.certainty, row.categories) == (
        upgraded,
        "EMERGENCY",
        "confirmed",
        ["post_procedure_leg"],
    )
    stored = FlaggedMessage.objects.get(conversation__sender_id="c-resolved")
    assert (stored.level, stored.certainty, stored.categories) == (
        "EMERGENCY",
        "cancelled",
        ["bladder"],
    )
    assert stored.findings == [
        {
            "category": "bladder",
            "level": "EMERGENCY",
            "certainty": "cancelled",
            "reason": "resolved",
        }
    ]


def test_the_cancelled_list_follows_the_filters(with_cancelled, client_for):
    client = client_for("reviewer")
    words = [w for w, _ in listed(client, certainty="cancelled")]
    assert words == [
        "bladder trouble in 2019 but it went away after surgery",
        "no numbness in my legs, when is the clinic open",
    ]
    page = client.get(reverse("staff:safety_review"), {"category": "bladder"}).content.decode()
    assert [w for w, _ in cancelled_rows(page)] == [
        "bladder trouble in 2019 but it went away after surgery"
    ]
    page = client.get(reverse("staff:safety_review"), {"level": "URGENT"}).content.decode()
    assert cancelled_rows(page) == []
    assert (
        'id="cancelled"'
        not in client.get(reverse("staff:safety_review"), {"answer": "yes"}).content.decode()
    )
    # "any" lists the cancelled ones too
    assert (
        len(listed(client, certainty="any"))
        == len(listed(client, certainty="possible"))
        + len(listed(client, certainty="confirmed"))
        + 2
    )
