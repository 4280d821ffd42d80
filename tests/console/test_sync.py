"""Keeping the summary table in step with the events table, incrementally."""

from django.test import override_settings

from console.staff import tracker as store
from console.staff.models import Conversation, Escalation, SyncState
from console.staff.sync import sync


def test_new_events_update_only_their_conversation(db, tracker):
    tracker.turn("a", "hello")
    tracker.turn("b", "what is kyphoplasty", intent="faq")
    assert sync() == (2, True)
    a_before = Conversation.objects.get(sender_id="a")
    assert sync() == (0, True)  # nothing new: nothing recomputed
    tracker.turn("b", "blah", intent="nlu_fallback", confidence=0.5)
    assert sync() == (1, True)
    b = Conversation.objects.get(sender_id="b")
    summary = (b.message_count, b.has_fallback, b.has_low_confidence, b.preview)
    assert summary == (2, True, True, "blah")
    assert Conversation.objects.get(sender_id="a").last_event_at == a_before.last_event_at
    assert SyncState.objects.get().last_event_id == store.max_event_id()


def test_an_event_committed_late_with_a_lower_id_is_not_missed(db, tracker):
    tracker.turn("fast", "hello")  # ids 1..4
    tracker.user("fast", "thanks", event_id=10)
    sync()
    tracker.user("slow", "kamar dard", event_id=7)  # committed after id 10
    tracker.user("fast", "bye", event_id=11)
    sync()
    assert Conversation.objects.get(sender_id="slow").message_count == 1


def test_escalations_are_found_once_and_staff_data_is_kept(db, tracker, staff):
    tracker.turn("p", "hello")
    first = tracker.escalation("p", "my legs are going weak", category="leg_weakness")
    # the next turn gets the reminder, which is not a new escalation (Rasa 3.6's slot
    # extraction does not re-set the custom-mapped escalation slots)
    tracker.user("p", "thanks")
    tracker.action("p", "utter_emergency_reminder")
    sync()
    conversation = Conversation.objects.get(sender_id="p")
    [esc] = conversation.escalations.all()
    assert (esc.event_id, esc.level, esc.categories, esc.recorded) == (
        first,
        "EMERGENCY",
        ["leg_weakness"],
        True,
    )
    assert conversation.escalation_level == "EMERGENCY" and conversation.needs_followup
    esc.followup_status = "called_back"
    esc.save()
    conversation.reviewed_by = staff["reviewer"]
    conversation.save()
    tracker.turn("p", "ok")
    Conversation.objects.filter(pk=conversation.pk).update(needs_followup=True)
    sync()
    conversation.refresh_from_db()
    assert conversation.escalations.get().followup_status == "called_back"
    assert conversation.reviewed_by == staff["reviewer"] and not conversation.needs_followup


def test_advice_without_the_action_server_is_still_an_escalation(db, tracker):
    flags = [{"category": "bladder", "level": "EMERGENCY", "text": "bladder"}]
    tracker.user("down", "I can't control my bladder", intent="inform", red_flags=flags)
    tracker.action("down", "utter_emergency_advice")
    tracker.bot("down", "Please call 112.")
    sync()
    esc = Escalation.objects.get(conversation__sender_id="down")
    assert (esc.level, esc.categories, esc.recorded) == ("EMERGENCY", ["bladder"], False)


def test_a_triage_escalation_is_anchored_to_its_slot(db, tracker):
    tracker.turn("tri", "I have back pain", intent="report_back_pain")
    tracker.user("tri", "/affirm", intent="affirm")
    tracker.action("tri", "action_triage_result")
    slot = tracker.slot("tri", "escalation_level", "URGENT")
    tracker.slot("tri", "escalation_categories", ["triage: fever"])
    tracker.slot("tri", "triage_level", "URGENT")
    sync()
    conversation = Conversation.objects.get(sender_id="tri")
    esc = conversation.escalations.get()
    assert (esc.event_id, esc.level, esc.categories) == (slot, "URGENT", ["triage: fever"])
    assert conversation.triage_level == "URGENT"


def test_no_events_table_yet(db, tmp_path):
    with override_settings(TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'none.db'}"):
        assert sync() == (0, True)


def test_an_escalation_recorded_inside_the_rasa_server_is_recorded(db, tracker):
    """The red-flag policy sets the escalation slots as its prediction's events, which
    Rasa logs before the advice's action event, not after an action."""
    flags = [
        {"category": "bladder", "level": "EMERGENCY", "text": "bladder", "certainty": "confirmed"}
    ]
    tracker.user("policy", "I can't control my bladder", intent="inform", red_flags=flags)
    tracker.slot("policy", "escalation_level", "EMERGENCY")
    tracker.slot("policy", "escalation_categories", ["bladder"])
    tracker.action("policy", "utter_emergency_advice")
    tracker.bot("policy", "Please call 112.")
    sync()
    esc = Escalation.objects.get(conversation__sender_id="policy")
    assert (esc.level, esc.categories, esc.recorded) == ("EMERGENCY", ["bladder"], True)


def test_an_emergency_from_the_conversation_context_is_an_escalation(db, tracker):
    """A sign that only counts with a fact said earlier: no finding in the message itself."""
    tracker.turn("context", "I had kyphoplasty last week", intent="inform")
    tracker.user("context", "now a new pain shooting down my leg", intent="inform")
    tracker.slot("context", "escalation_level", "EMERGENCY")
    tracker.slot("context", "escalation_categories", ["post_procedure_leg"])
    tracker.action("context", "utter_emergency_advice")
    sync()
    esc = Escalation.objects.get(conversation__sender_id="context")
    assert (esc.level, esc.categories, esc.recorded) == ("EMERGENCY", ["post_procedure_leg"], True)


def test_a_possible_emergency_alone_is_not_an_escalation(db, tracker):
    """It is listed for safety review; it becomes an escalation when the patient says yes."""
    flags = [
        {
            "category": "saddle_numbness",
            "level": "EMERGENCY",
            "text": "bottom",
            "certainty": "possible",
        }
    ]
    tracker.user("maybe", "I think maybe I can't feel my bottom", intent="inform", red_flags=flags)
    tracker.action("maybe", "utter_ask_red_flag_now")
    tracker.user("maybe", "no", intent="deny")
    tracker.action("maybe", "utter_red_flag_not_now")
    sync()
    assert not Escalation.objects.filter(conversation__sender_id="maybe").exists()
