"""The safety review of the red-flag screen: the list of messages with possible findings
and what the patient answered, beside it the messages whose red-flag concepts context
cancelled (a denial, a resolved history), marking a message as a missed red flag, and the
export of those marks as red-flag test cases (docs/console-safety-review.md)."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console import pii
from console.staff import audit, filters, masking, sync, tracker
from console.staff.forms import MissedRedFlagForm, SafetyFilterForm
from console.staff.models import Conversation, MissedRedFlag
from console.staff.red_flag_review import case_rows, categories, export_yaml
from console.staff.roles import CLINICIAN, REVIEWER, role_required
from console.staff.views.annotations import names_by_conversation
from contract import CANCELLED

MARKS_SHOWN = 200
CANCELLED_SHOWN = 50


def _with_texts(rows) -> None:
    """Give each flagged message its patient's words, masked (read from the events)."""
    senders = {row.conversation.sender_id for row in rows}
    texts, names = {}, {}
    for chunk in tracker.iter_chunks(sorted(senders), 400):
        for sender, events in tracker.events_of_senders(chunk):
            names[sender] = masking.known_names(events, tracker.appointment_names(sender))
            texts.update(
                {(sender, e.id): e.data.get("text") or "" for e in events if e.type_name == "user"}
            )
    for row in rows:
        sender = row.conversation.sender_id
        row.text = masking.html(texts.get((sender, row.event_id), ""), names.get(sender, ()))


@role_required(REVIEWER)
def safety_review(request):
    sync.sync_quietly()
    form = SafetyFilterForm(request.GET or None, categories=categories())
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = Paginator(
        filters.flagged_messages(data).select_related("conversation"), settings.CONSOLE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    certainty = data.get("certainty") or "possible"
    cancelled, cancelled_count = [], 0
    if certainty not in (CANCELLED, "any") and not data.get("answer"):
        # beside the list: messages whose only red-flag concepts context cancelled, under
        # the same level, category and date filters
        query = filters.flagged_messages({**data, "certainty": CANCELLED})
        cancelled = list(query.select_related("conversation")[:CANCELLED_SHOWN])
        cancelled_count = query.count() if len(cancelled) == CANCELLED_SHOWN else len(cancelled)
    _with_texts([*page.object_list, *cancelled])
    marks = MissedRedFlag.objects.select_related("marked_by")
    return render(
        request,
        "staff/safety_review.html",
        {
            "form": form,
            "page": page,
            "certainty": certainty,
            "cancelled": cancelled,
            "cancelled_count": cancelled_count,
            "marks": marks[:MARKS_SHOWN],
            "mark_count": marks.count(),
        },
    )


def _back(pk, event_id):
    return redirect(reverse("staff:transcript", args=[pk]) + f"#m-{event_id}")


@role_required(REVIEWER)
@require_POST
def missed_red_flag(request, pk, event_id):
    """Mark (or, with `remove`, unmark) one patient message as a missed red flag."""
    conversation = get_object_or_404(Conversation, pk=pk)
    events = tracker.events_of(conversation.sender_id)
    event = next((e for e in events if e.id == event_id and e.type_name == "user"), None)
    if event is None:
        raise Http404("no such patient message")
    where = {
        "target": f"conversation #{pk}",
        "sender_id": conversation.sender_id,
        "message": event_id,
    }
    if "remove" in request.POST:
        MissedRedFlag.objects.filter(conversation=conversation, event_id=event_id).delete()
        audit.record(request, "missed_red_flag", op="removed", **where)
        return _back(pk, event_id)
    form = MissedRedFlagForm(request.POST, categories=categories())
    if not form.is_valid():
        messages.error(request, "Choose the expected level (the note is at most 1000 characters).")
        return _back(pk, event_id)
    # kept without personal data: it is meant for tests/redflags/ in git
    names = masking.known_names(events, tracker.appointment_names(conversation.sender_id))
    level, category = form.cleaned_data["level"], form.cleaned_data["category"]
    MissedRedFlag.objects.update_or_create(
        conversation=conversation,
        event_id=event_id,
        defaults={
            "text": pii.redact(event.data.get("text") or "", names),
            "level": level,
            "category": category,
            "marked_by": request.user,
            "note": pii.redact(form.cleaned_data["note"], names),
        },
    )
    audit.record(
        request, "missed_red_flag", op="marked", level=level, category=category or None, **where
    )
    messages.success(request, f"Marked as a missed red flag ({level}).")
    return _back(pk, event_id)


@role_required(CLINICIAN)
@require_POST
def missed_export(request):
    """The missed red flags as rows of tests/redflags/cases.yml, redacted again with
    the names each conversation holds now (a form filled after the marking)."""
    marks = list(MissedRedFlag.objects.order_by("marked_at", "id"))
    names = names_by_conversation(marks)
    for mark in marks:
        known = names.get(mark.conversation_id, ())
        mark.text, mark.note = pii.redact(mark.text, known), pii.redact(mark.note, known)
    rows = case_rows(marks)
    audit.record(request, "export_cases", target=f"{len(rows)} cases", cases=len(rows))
    response = HttpResponse(export_yaml(rows), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="missed-red-flags-{date.today()}.yml"'
    return response
