"""One conversation: the transcript, and what staff record about it."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from console import pii
from console.staff import audit, masking, sync, tracker
from console.staff.events import final_slots, patient_message, timeline
from console.staff.forms import FollowUpForm, IntentForm, NoteForm, ReviewForm, TagForm
from console.staff.models import (
    RED_FLAG_LEVELS,
    Conversation,
    ConversationTag,
    Escalation,
    IntentAnnotation,
    Note,
    Tag,
)
from console.staff.nlu import training_data
from console.staff.red_flag_review import categories
from console.staff.roles import CLINICIAN, REVIEWER, role_required


def _back(conversation, anchor=""):
    url = reverse("staff:transcript", args=[conversation.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _names(conversation, events):
    return masking.known_names(events, tracker.appointment_names(conversation.sender_id))


def _mask(items, slots, notes, names):
    """Hide personal data in what the page shows (in memory only)."""
    for item in items:
        if item["kind"] in ("user", "bot"):
            item["text"] = masking.html(item["text"], names)
        for flag in item.get("red_flags") or []:
            flag["text"] = masking.html(flag.get("text"), names)
        if item["kind"] == "slot":
            item["value"] = masking.slot_value(item["name"], item["value"], names)
    for name in slots:
        slots[name] = masking.slot_value(name, slots[name], names)
    for note_ in notes:
        note_.body = masking.html(note_.body, names)


@role_required(REVIEWER)
def transcript(request, pk):
    sync.sync_quietly()
    conversation = get_object_or_404(Conversation, pk=pk)
    events = tracker.events_of(conversation.sender_id)
    items = timeline(events, settings.CONSOLE_LOW_CONFIDENCE)
    escalations = list(conversation.escalations.select_related("followup_by"))
    clinician = request.user.has_role(CLINICIAN)
    notes = list(conversation.notes.select_related("author"))
    if not clinician:
        notes = [n for n in notes if n.kind == Note.REVIEW]
    for esc in escalations:
        esc.clinical_notes = [n for n in notes if n.escalation_id == esc.pk]
    shown = {item["id"] for item in items}
    items += [
        {"id": e.event_id, "at": e.at, "kind": "escalation"}
        for e in escalations
        if e.event_id not in shown
    ]
    items.sort(key=lambda item: item["id"])
    by_event = {e.event_id: e for e in escalations}
    annotations = {a.event_id: a for a in conversation.annotations.all()}
    missed = {m.event_id: m for m in conversation.missed_red_flags.select_related("marked_by")}
    for item in items:
        for flag in item.get("red_flags") or []:
            flag.setdefault("certainty", "")  # findings logged before certainties existed
        item["missed"] = mark = missed.get(item["id"])
        # what the form shows; never a lookup on None (it would log the page's context)
        item["mark"] = {
            "level": mark.level if mark else "",
            "note": mark.note if mark else "",
            "category": mark.category if mark else "",
        }
        item["escalation"] = by_event.get(item["id"])
        item["annotation"] = annotation = annotations.get(item["id"])
        # the correction dropdown shows a saved correction, and otherwise no choice
        corrected = annotation is not None and annotation.corrected
        item["chosen_intent"] = annotation.correct_intent if annotation and corrected else ""
    slots = {k: v for k, v in final_slots(events).items() if v not in (None, [], "")}
    revealed_until = masking.revealed_until(request, pk)
    sender = conversation.sender_id
    if revealed_until is None:
        names = _names(conversation, events)
        _mask(items, slots, notes, names)
        sender = masking.html(sender)
    audit.record(
        request,
        "transcript_view",
        target=f"conversation #{pk}",
        sender_id=conversation.sender_id,
        revealed=True if revealed_until else None,
    )
    return render(
        request,
        "staff/transcript.html",
        {
            "conversation": conversation,
            "sender": sender,
            "items": items,
            "escalations": escalations,
            "revealed_until": revealed_until,
            "notes": [n for n in notes if n.escalation_id is None],
            "slots": slots,
            "intents": training_data()[1],
            "followup_form": FollowUpForm(),
            "tags": conversation.tags.all(),
            "all_tags": Tag.objects.all(),
            "consents": tracker.consents_of(conversation.sender_id),
            "red_flag_levels": RED_FLAG_LEVELS,
            "red_flag_categories": list(categories()),
        },
    )


@role_required(CLINICIAN)
@require_POST
def reveal(request, pk):
    """Show this conversation's personal data to this user for a few minutes."""
    conversation = get_object_or_404(Conversation, pk=pk)
    until = masking.reveal(request, pk)
    audit.record(
        request,
        "reveal",
        target=f"conversation #{pk}",
        sender_id=conversation.sender_id,
        minutes=settings.CONSOLE_REVEAL_MINUTES,
    )
    messages.info(
        request,
        f"Personal data shown until {timezone.localtime(until):%H:%M}; "
        "this was recorded in the audit log.",
    )
    return _back(conversation)


@role_required(REVIEWER)
@require_POST
def review(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    reviewed = form.cleaned_data.get("reviewed", False)
    conversation.reviewed_at = timezone.now() if reviewed else None
    conversation.reviewed_by = request.user if reviewed else None
    conversation.save(update_fields=["reviewed_at", "reviewed_by"])
    audit.record(
        request,
        "annotation",
        target=f"conversation #{pk}",
        sender_id=conversation.sender_id,
        what="reviewed",
        value=reviewed,
    )
    return _back(conversation)


@role_required(REVIEWER)
@require_POST
def tags(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    form = TagForm(request.POST)
    if form.is_valid() and form.cleaned_data.get("remove"):
        tag = get_object_or_404(Tag, pk=form.cleaned_data["remove"])
        ConversationTag.objects.filter(conversation=conversation, tag=tag).delete()
        op = "removed"
    elif form.is_valid() and form.cleaned_data.get("name"):
        tag, _ = Tag.objects.get_or_create(name=form.cleaned_data["name"])
        ConversationTag.objects.get_or_create(
            conversation=conversation, tag=tag, defaults={"added_by": request.user}
        )
        op = "added"
    else:
        messages.error(request, "Give a tag name (up to 40 characters).")
        return _back(conversation)
    audit.record(
        request,
        "annotation",
        target=f"conversation #{pk}",
        sender_id=conversation.sender_id,
        what="tag",
        tag=tag.name,
        op=op,
    )
    return _back(conversation)


def _add_note(request, conversation, kind, escalation=None, body=None):
    note = Note.objects.create(
        conversation=conversation, kind=kind, author=request.user, escalation=escalation, body=body
    )
    audit.record(
        request,
        "annotation",
        target=f"conversation #{conversation.pk}",
        sender_id=conversation.sender_id,
        what=f"{kind} note",
        note=note.pk,
    )


def _posted_note(request, pk, kind):
    conversation = get_object_or_404(Conversation, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        _add_note(request, conversation, kind, body=form.cleaned_data["body"])
    else:
        messages.error(request, "The note is empty or too long.")
    return _back(conversation, "notes")


@role_required(REVIEWER)
@require_POST
def note(request, pk):
    return _posted_note(request, pk, Note.REVIEW)


@role_required(CLINICIAN)
@require_POST
def clinical_note(request, pk):
    return _posted_note(request, pk, Note.CLINICAL)


@role_required(CLINICIAN)
@require_POST
def followup(request, pk, escalation_pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    escalation = get_object_or_404(Escalation, pk=escalation_pk, conversation=conversation)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a follow-up status.")
        return _back(conversation, f"esc-{escalation.pk}")
    previous = escalation.followup_status
    escalation.followup_status = form.cleaned_data["status"]
    escalation.followup_by, escalation.followup_at = request.user, timezone.now()
    escalation.save(update_fields=["followup_status", "followup_by", "followup_at"])
    sync.refresh_followup(conversation)
    audit.record(
        request,
        "followup",
        target=f"conversation #{pk}",
        sender_id=conversation.sender_id,
        escalation=escalation.pk,
        before=previous,
        after=escalation.followup_status,
    )
    if form.cleaned_data["note"]:
        _add_note(request, conversation, Note.CLINICAL, escalation, form.cleaned_data["note"])
    messages.success(request, f"Follow-up status: {escalation.get_followup_status_display()}.")
    return _back(conversation, f"esc-{escalation.pk}")


@role_required(REVIEWER)
@require_POST
def intent(request, pk, event_id):
    conversation = get_object_or_404(Conversation, pk=pk)
    events = tracker.events_of(conversation.sender_id)
    event = next((e for e in events if e.id == event_id and e.type_name == "user"), None)
    if event is None:
        raise Http404("no such patient message")
    message = patient_message(event, settings.CONSOLE_LOW_CONFIDENCE)
    form = IntentForm(request.POST)
    choices = training_data()[1]
    if not form.is_valid() or (
        form.cleaned_data["verdict"] == "corrected" and form.cleaned_data["intent"] not in choices
    ):
        messages.error(request, "Choose one of the assistant's intents.")
        return _back(conversation, f"m-{event_id}")
    correct = (
        message["predicted"]
        if form.cleaned_data["verdict"] == "correct"
        else form.cleaned_data["intent"]
    )
    # kept without personal data: it is meant for data/nlu/ in git
    text = pii.redact(message["text"], _names(conversation, events))
    IntentAnnotation.objects.update_or_create(
        conversation=conversation,
        event_id=event_id,
        defaults={
            "text": text,
            "predicted_intent": message["predicted"],
            "correct_intent": correct,
            "annotator": request.user,
        },
    )
    audit.record(
        request,
        "annotation",
        target=f"conversation #{pk}",
        sender_id=conversation.sender_id,
        what="intent",
        message=event_id,
        predicted=message["predicted"],
        correct=correct,
    )
    return _back(conversation, f"m-{event_id}")
