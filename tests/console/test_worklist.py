"""The escalation worklist (console/worklist/): what each row shows, every action and who
may take it, the JSON the page polls, overdue highlighting and the URL's filters."""

import re
import time

import pytest
from django.test import override_settings
from django.urls import reverse

from console.staff.models import AuditEntry, Conversation, Escalation, Note
from console.staff.sync import sync
from console.worklist.models import Claim, Step
from tables import create_tables

MIN = 60


def language_message(
    tracker,
    sender,
    text,
    language,
    level="EMERGENCY",
    category="bladder",
    channel="socketio",
    ts=None,
):
    """A red-flag message whose parse carries the language entity, with its escalation."""
    flags = [{"category": category, "level": level, "text": text, "certainty": "confirmed"}]
    parse = {
        "intent": {"name": f"red_flag_{level.lower()}", "confidence": 1.0},
        "screened_intent": {"name": "inform", "confidence": 0.9},
        "text": text,
        "entities": [{"entity": "language", "value": language}],
        "red_flags": flags,
    }
    event_id = tracker.add(
        sender,
        "user",
        {"text": text, "parse_data": parse, "input_channel": channel},
        intent=parse["intent"]["name"],
        ts=ts,
    )
    tracker.slot(sender, "escalation_level", level, ts=ts)
    tracker.slot(sender, "escalation_categories", [category], ts=ts)
    return event_id


@pytest.fixture
def ward(db, tracker):
    """An old urgent one, a newer emergency (Hinglish, web), a WhatsApp emergency and a
    followed-up one; times relative to now."""
    now = time.time()
    tracker.turn("socketio:old-urgent", "hello", ts=now - 90 * MIN)
    tracker.escalation(
        "socketio:old-urgent",
        "fever and chills with my back pain",
        level="URGENT",
        category="infection",
        ts=now - 80 * MIN,
        channel="socketio",
    )
    language_message(
        tracker,
        "socketio:new-emergency",
        "peshab ruk gaya hai, mera number 98100 12345 hai",
        "hinglish",
        ts=now - 5 * MIN,
    )
    tracker.escalation(
        "whatsapp:919810012345",
        "I can't feel my legs",
        category="leg_weakness",
        ts=now - 30 * MIN,
        channel="whatsapp",
    )
    tracker.escalation(
        "socketio:done",
        "chest pain after the procedure",
        category="post_procedure_chest",
        ts=now - 200 * MIN,
        channel="socketio",
    )
    tracker.turn("socketio:calm", "what is kyphoplasty", ts=now - 100 * MIN)
    sync()
    Escalation.objects.filter(conversation__sender_id="socketio:done").update(
        followup_status="called_back"
    )
    return {c.sender_id: c for c in Conversation.objects.all()}


def rows(page):
    return re.findall(r'<tr id="wl-(\d+)" class="([^"]*)"', page)


def row(page, pk):
    return re.search(rf'<tr id="wl-{pk}".*?</tr>', page, re.S).group(0)


def test_open_escalations_oldest_first_with_the_patients_words(ward, client_for):
    page = client_for("clinician").get(reverse("worklist:list")).content.decode()
    order = [int(pk) for pk, _ in rows(page)]
    assert order == [
        ward["socketio:old-urgent"].pk,
        ward["whatsapp:919810012345"].pk,
        ward["socketio:new-emergency"].pk,
    ]
    urgent = row(page, ward["socketio:old-urgent"].pk)
    assert "URGENT" in urgent and "infection" in urgent and "waiting 80 min" in urgent
    assert "fever and chills with my back pain" in urgent
    emergency = row(page, ward["socketio:new-emergency"].pk)
    assert "EMERGENCY" in emergency and "bladder" in emergency and "Hinglish" in emergency
    assert "peshab ruk gaya hai" in emergency and "socketio" in emergency
    assert "98100" not in emergency and "phone number hidden" in emergency  # masked
    assert "waiting 5 min" in emergency and "unclaimed" in emergency
    whatsapp = row(page, ward["whatsapp:919810012345"].pk)
    assert "WhatsApp:" in whatsapp and "919810012345" not in whatsapp


def test_each_row_offers_a_live_takeover_of_its_conversation(ward, client_for):
    page = client_for("clinician").get(reverse("worklist:list")).content.decode()
    for sender in ("socketio:old-urgent", "whatsapp:919810012345", "socketio:new-emergency"):
        pk = ward[sender].pk
        start = reverse("takeover:start", args=[pk])
        assert f'<form method="post" action="{start}">' in row(page, pk)
        assert "Take over</button>" in row(page, pk)


def test_the_home_page_of_a_clinician_is_the_worklist(ward, client_for):
    response = client_for("clinician").get(reverse("staff:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("worklist:list")
    assert b"Escalation worklist" in response.content


def test_a_reviewer_reads_the_worklist_without_actions(ward, client_for):
    page = client_for("reviewer").get(reverse("worklist:list")).content.decode()
    assert len(rows(page)) == 3 and "Claim</button>" not in page and "Resolve</button>" not in page
    pk = ward["socketio:old-urgent"].pk
    assert client_for("reviewer").post(reverse("worklist:claim", args=[pk])).status_code == 403
    assert not Claim.objects.exists()


def test_claim_shows_the_owner_and_is_audited_and_on_the_transcript(ward, client_for, staff):
    pk = ward["socketio:old-urgent"].pk
    clinician = client_for("clinician")
    listed = row(clinician.get(reverse("worklist:list")).content.decode(), pk)
    for name in ("claim", "assign", "resolve"):
        assert f'action="{reverse(f"worklist:{name}", args=[pk])}"' in listed
    assert f'href="{reverse("staff:transcript", args=[pk])}"' in listed
    response = clinician.post(reverse("worklist:claim", args=[pk]), {"query": "level=URGENT"})
    assert response.status_code == 302 and response["Location"] == "/worklist/?level=URGENT"
    assert Claim.objects.get().owner == staff["clinician"]
    page = clinician.get(reverse("worklist:list")).content.decode()
    assert staff["clinician"].username in row(page, pk)
    entry = AuditEntry.objects.get(action="followup")
    assert entry.detail["what"] == "claim" and entry.detail["owner"] == staff["clinician"].username
    transcript = clinician.get(reverse("staff:transcript", args=[pk])).content.decode()
    assert f"Owner: <strong>{staff['clinician'].username}</strong>" in transcript
    assert ": Claimed" in transcript


def test_a_claimed_conversation_is_not_taken_by_a_second_claim(ward, client_for, staff):
    pk = ward["socketio:old-urgent"].pk
    client_for("clinician").post(reverse("worklist:claim", args=[pk]))
    page = client_for("admin").post(reverse("worklist:claim", args=[pk]), follow=True)
    assert "already claimed by" in page.content.decode()
    assert Claim.objects.get().owner == staff["clinician"]
    assert Step.objects.count() == 1


def test_assign_to_another_clinician_and_release(ward, client_for, staff):
    pk = ward["whatsapp:919810012345"].pk
    admin = client_for("admin")
    admin.post(reverse("worklist:assign", args=[pk]), {"owner": staff["clinician"].pk})
    claim = Claim.objects.get()
    assert claim.owner == staff["clinician"] and claim.assigned_by == staff["admin"]
    # a reviewer cannot own an escalation
    admin.post(reverse("worklist:assign", args=[pk]), {"owner": staff["reviewer"].pk})
    assert Claim.objects.get().owner == staff["clinician"]
    mine = client_for("clinician").get(reverse("worklist:list") + "?owner=mine").content.decode()
    assert [int(p) for p, _ in rows(mine)] == [pk]
    client_for("clinician").post(reverse("worklist:release", args=[pk]))
    assert not Claim.objects.exists()
    assert [s.kind for s in Step.objects.order_by("id")] == ["assign", "release"]
    assert [
        e.detail["what"] for e in AuditEntry.objects.filter(action="followup").order_by("id")
    ] == ["assign", "release"]


def test_resolve_with_an_outcome_and_a_note(ward, client_for, staff):
    conversation = ward["socketio:new-emergency"]
    clinician = client_for("clinician")
    clinician.post(reverse("worklist:claim", args=[conversation.pk]))
    clinician.post(
        reverse("worklist:resolve", args=[conversation.pk]),
        {"outcome": "called_back", "note": "Spoke to her; on the way to AIIMS."},
    )
    escalation = Escalation.objects.get(conversation=conversation)
    assert escalation.followup_status == "called_back"
    assert escalation.followup_by == staff["clinician"]
    note = Note.objects.get(conversation=conversation)
    assert note.kind == Note.CLINICAL and note.escalation == escalation
    assert not Claim.objects.exists()
    conversation.refresh_from_db()
    assert not conversation.needs_followup
    page = clinician.get(reverse("worklist:list")).content.decode()
    assert f'wl-{conversation.pk}"' not in page
    entry = AuditEntry.objects.filter(action="followup").latest("id")
    assert entry.detail["what"] == "resolve" and entry.detail["outcome"] == "called_back"
    assert entry.detail["escalations"] == [escalation.pk]
    transcript = clinician.get(reverse("staff:transcript", args=[conversation.pk])).content.decode()
    assert ": Resolved" in transcript and "Called back" in transcript
    assert "on the way to AIIMS" in transcript


def test_no_answer_keeps_it_on_the_list_and_a_bad_outcome_changes_nothing(ward, client_for):
    pk = ward["socketio:old-urgent"].pk
    clinician = client_for("clinician")
    clinician.post(reverse("worklist:resolve", args=[pk]), {"outcome": "pending"})
    assert Escalation.objects.get(conversation_id=pk).followup_status == "pending"
    assert not Step.objects.exists()
    clinician.post(reverse("worklist:resolve", args=[pk]), {"outcome": "no_answer"})
    assert Escalation.objects.get(conversation_id=pk).followup_status == "no_answer"
    page = clinician.get(reverse("worklist:list")).content.decode()
    assert f'wl-{pk}"' in page


def test_overdue_against_the_configured_targets(ward, client_for):
    clinician = client_for("clinician")
    page = clinician.get(reverse("worklist:list")).content.decode()
    classes = {int(pk): cls.split() for pk, cls in rows(page)}
    assert "overdue" in classes[ward["socketio:old-urgent"].pk]  # 80 > 60 min
    assert "overdue" in classes[ward["whatsapp:919810012345"].pk]  # 30 > 10 min
    assert "overdue" not in classes[ward["socketio:new-emergency"].pk]  # 5 < 10 min
    only = clinician.get(reverse("worklist:list") + "?overdue=on").content.decode()
    assert len(rows(only)) == 2
    with override_settings(
        CONSOLE_WORKLIST_TARGET_EMERGENCY_MINUTES=3, CONSOLE_WORKLIST_TARGET_URGENT_MINUTES=120
    ):
        page = clinician.get(reverse("worklist:list")).content.decode()
        classes = {int(pk): cls.split() for pk, cls in rows(page)}
        assert "overdue" not in classes[ward["socketio:old-urgent"].pk]
        assert "overdue" in classes[ward["socketio:new-emergency"].pk]
        assert "Overdue after\n  3 min (emergency) and 120 min (urgent)" in page


@pytest.mark.parametrize(
    "query,expected",
    [
        ("level=EMERGENCY", ["whatsapp:919810012345", "socketio:new-emergency"]),
        ("level=URGENT", ["socketio:old-urgent"]),
        ("channel=whatsapp", ["whatsapp:919810012345"]),
        ("level=EMERGENCY&channel=socketio", ["socketio:new-emergency"]),
        (
            "owner=unclaimed",
            ["socketio:old-urgent", "whatsapp:919810012345", "socketio:new-emergency"],
        ),
        ("owner=mine", []),
    ],
)
def test_filters_in_the_querystring(ward, client_for, query, expected):
    client = client_for("clinician")
    page = client.get(reverse("worklist:list") + "?" + query).content.decode()
    assert [int(p) for p, _ in rows(page)] == [ward[s].pk for s in expected]
    # the polling asks for the same filters
    poll = re.search(r'data-poll-url="([^"]*)"', page).group(1).replace("&amp;", "&")
    assert poll == reverse("worklist:json") + "?" + query
    data = client.get(poll).json()
    assert [i["id"] for i in data["items"]] == [ward[s].pk for s in expected]


def test_a_bad_filter_value_shows_everything(ward, client_for):
    page = client_for("clinician").get(reverse("worklist:list") + "?level=ROUTINE").content
    assert len(rows(page.decode())) == 3


def test_the_json_shows_a_new_escalation_without_a_reload(ward, client_for, tracker):
    client = client_for("clinician")
    first = client.get(reverse("worklist:json")).json()
    assert first["count"] == 3
    tracker.escalation(
        "socketio:newest",
        "my legs are going weak",
        category="leg_weakness",
        ts=time.time() - 60,
        channel="socketio",
    )
    data = client.get(reverse("worklist:json")).json()
    newest = Conversation.objects.get(sender_id="socketio:newest")
    assert data["count"] == 4 and data["items"][-1]["id"] == newest.pk
    item = data["items"][-1]
    assert item["level"] == "EMERGENCY" and item["minutes"] == 1 and not item["overdue"]
    assert item["words"] == "my legs are going weak" and item["owner"] is None
    assert item["categories"] == ["leg_weakness"] and item["channel"] == "socketio"
    assert f'<tr id="wl-{newest.pk}"' in data["rows"]
    masked = next(i for i in data["items"] if i["id"] == ward["socketio:new-emergency"].pk)
    assert "98100" not in masked["words"] and "<phone>" in masked["words"]


def test_a_revealed_conversation_shows_its_numbers_to_a_clinician(ward, client_for, tracker):
    create_tables(tracker.url)
    from actions.callback import save_callback

    save_callback(
        {
            "sender_id": "socketio:new-emergency",
            "channel": "socketio",
            "phone": "+919811122233",
            "language": "hinglish",
            "level": "EMERGENCY",
        },
        url=tracker.url,
    )
    emergency, whatsapp = ward["socketio:new-emergency"].pk, ward["whatsapp:919810012345"].pk
    clinician = client_for("clinician")
    page = clinician.get(reverse("worklist:list")).content.decode()
    assert 'Call back: <span class="pii">phone number hidden</span>' in row(page, emergency)
    assert "+919811122233" not in page
    clinician.post(reverse("staff:reveal", args=[emergency]))
    clinician.post(reverse("staff:reveal", args=[whatsapp]))
    page = clinician.get(reverse("worklist:list")).content.decode()
    assert "Call back: +919811122233" in row(page, emergency)
    assert "98100 12345" in row(page, emergency)
    assert "WhatsApp: +919810012345" in row(page, whatsapp)
    reviewer = client_for("reviewer").get(reverse("worklist:list")).content.decode()
    assert "+919811122233" not in reviewer and "+919810012345" not in reviewer


def test_the_page_loads_its_script_from_static_files_only(ward, client_for):
    response = client_for("clinician").get(reverse("worklist:list"))
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert scripts == [""]  # one script, from a file, nothing inline
    assert '<script src="/static/worklist/worklist.js" defer>' in page


def test_erasure_and_retention_remove_the_call_back_numbers(db, tracker):
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import text

    from actions import erasure
    from actions.callback import save_callback
    from console.staff import retention

    create_tables(tracker.url)
    tracker.escalation("socketio:erase", "I can't control my bladder", channel="socketio")
    tracker.escalation("socketio:keep", "I can't control my bladder", channel="socketio")
    for sender in ("socketio:erase", "socketio:keep", "socketio:old"):
        save_callback(
            {"sender_id": sender, "channel": "socketio", "phone": "+919810012345"}, url=tracker.url
        )
    with tracker.engine.begin() as connection:
        connection.execute(
            text("UPDATE callback_requests SET created_at = :t WHERE sender_id = 'socketio:old'"),
            {"t": datetime.now(timezone.utc) - timedelta(days=400)},
        )
    sync()
    assert erasure.erase_conversation("socketio:erase")["callback_requests"] == 1
    assert retention.purge_older_than(365, actor="test")["callback_requests"] == 1
    left = tracker.count("SELECT count(*) FROM callback_requests")
    assert (
        left == 1
        and tracker.count(
            "SELECT count(*) FROM callback_requests WHERE sender_id = 'socketio:keep'"
        )
        == 1
    )


def test_a_yes_to_is_this_happening_now_shows_the_words_before_it(db, tracker, client_for):
    """The escalation is recorded on the "yes"; the words that raised it came before."""
    flags = [
        {
            "category": "saddle_numbness",
            "level": "EMERGENCY",
            "certainty": "possible",
            "text": "can't feel my bottom",
        }
    ]
    tracker.user(
        "socketio:maybe",
        "I think maybe I can't feel my bottom",
        intent="inform",
        red_flags=flags,
        channel="socketio",
    )
    tracker.bot("socketio:maybe", "Is this happening now?")
    tracker.user("socketio:maybe", "/affirm", intent="affirm", channel="socketio")
    tracker.slot("socketio:maybe", "escalation_level", "EMERGENCY")
    tracker.slot("socketio:maybe", "escalation_categories", ["saddle_numbness"])
    sync()
    page = client_for("clinician").get(reverse("worklist:list")).content.decode()
    pk = Conversation.objects.get(sender_id="socketio:maybe").pk
    assert "I think maybe I can&#x27;t feel my bottom" in row(page, pk)
    assert "saddle_numbness" in row(page, pk)
