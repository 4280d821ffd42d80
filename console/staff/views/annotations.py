"""Intent corrections, and their export as Rasa NLU training data."""

from datetime import date

from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from console.staff import audit, tracker
from console.staff.masking import known_names
from console.staff.models import Conversation, IntentAnnotation
from console.staff.nlu import classify, export_yaml, redacted
from console.staff.roles import ADMIN, REVIEWER, role_required


def _corrected():
    return list(
        IntentAnnotation.objects.exclude(correct_intent=F("predicted_intent"))
        .select_related("annotator")
        .order_by("correct_intent", "updated_at")
    )


@role_required(REVIEWER)
def annotation_list(request):
    corrected = classify(_corrected())
    return render(
        request,
        "staff/annotations.html",
        {
            "corrected": corrected,
            "new": sum(1 for _, state in corrected if state == "new"),
            "confirmed": IntentAnnotation.objects.count() - len(corrected),
        },
    )


def names_by_conversation(annotations):
    """The names each annotated conversation holds (its form's slots, its requests)."""
    senders = dict(
        Conversation.objects.filter(pk__in={a.conversation_id for a in annotations}).values_list(
            "sender_id", "pk"
        )
    )
    names = {}
    for chunk in tracker.iter_chunks(list(senders), 400):
        for sender, events in tracker.events_of_senders(chunk):
            names[senders[sender]] = known_names(events, tracker.appointment_names(sender))
    return names


@role_required(ADMIN)
@require_POST
def annotation_export(request):
    corrected = _corrected()
    content, count = export_yaml(redacted(corrected, names_by_conversation(corrected)))
    audit.record(request, "export_nlu", target=f"{count} examples", examples=count)
    response = HttpResponse(content, content_type="application/x-yaml; charset=utf-8")
    filename = f"console-corrections-{date.today()}.yml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
