"""The worklist page, its JSON (polled by static/worklist/worklist.js), and the actions on
one escalated conversation: claim, assign, release, resolve. Reading is for every role;
acting is for clinicians and admins. Every action is in the audit log (action `followup`)
and in the conversation's steps, which the transcript shows."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_POST

from console import pii
from console.staff import audit, masking, sync
from console.staff.models import CLINICIAN, OPEN_STATUSES, RANK, Conversation, Note, User
from console.staff.roles import REVIEWER, role_required
from console.worklist import queries
from console.worklist.models import ASSIGN, CLAIM, OUTCOMES, RELEASE, RESOLVE, Claim, Step

FILTER_KEYS = ("level", "owner", "channel", "overdue")


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=OUTCOMES)
    note = forms.CharField(required=False, max_length=4000)


def clinicians():
    """Who may own an escalation: active clinicians and admins."""
    roles = [role for role, rank in RANK.items() if rank >= RANK[CLINICIAN]]
    return User.objects.filter(is_active=True, role__in=roles).order_by("username")


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=clinicians())


def _filters(request):
    form = queries.WorklistFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, data


def _prefix(name):
    """The URL of `name` for conversation 1, cut before the number: each row adds its own
    (reversing five URLs for each of 50 rows cost more than the rest of the page)."""
    url = reverse(name, args=[1])
    return url[: url.rindex("/1/") + 1]


def _shown(request, found):
    """Personal data masked unless this user revealed the conversation (masking.py)."""
    transcript, actions = _prefix("staff:transcript"), _prefix("worklist:claim")
    for item in found:
        pk = item.conversation.pk
        item.transcript_url, item.actions_url = f"{transcript}{pk}/", f"{actions}{pk}/"
        item.mine = item.owner is not None and item.owner.pk == request.user.pk
        if masking.revealed_until(request, item.conversation.pk):
            item.words_html = item.words
            item.phone_shown = item.callback_phone
            item.whatsapp_shown = item.whatsapp_number
            item.sender = item.conversation.sender_id
        else:
            item.words_html = masking.html(item.words)
            item.phone_shown = masking.html("<phone>") if item.callback_phone else ""
            item.whatsapp_shown = masking.html("<phone>") if item.whatsapp_number else ""
            item.sender = masking.html(item.conversation.sender_id)
    return found


def _options(choices):
    """<option>s rendered once for every row's select."""
    return format_html_join("", '<option value="{}">{}</option>', choices)


def _context(request):
    form, data = _filters(request)
    page, found = queries.page_of(data, request.user, request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k in FILTER_KEYS and v})
    return {
        "form": form,
        "page": page,
        "items": _shown(request, found),
        "query": query,
        "targets": queries.targets(),
        "outcome_options": _options(OUTCOMES),
        "clinician_options": _options([(u.pk, u.get_username()) for u in clinicians()]),
        "can_act": request.user.has_role(CLINICIAN),
        "poll_seconds": settings.CONSOLE_WORKLIST_POLL_SECONDS,
    }


@role_required(REVIEWER)
@require_GET
def worklist(request):
    sync.sync_quietly()
    return render(request, "worklist/worklist.html", _context(request))


@role_required(REVIEWER)
@require_GET
def worklist_json(request):
    """The same rows, for the page's polling: the rendered rows and a summary of each."""
    sync.sync_quietly()
    context = _context(request)
    rows = render_to_string("worklist/_rows.html", context, request)
    return JsonResponse(
        {
            "count": context["page"].paginator.count,
            "rows": rows,
            "items": [
                {
                    "id": i.conversation.pk,
                    "level": i.level,
                    "minutes": i.minutes,
                    "overdue": i.overdue,
                    "since": i.since.isoformat(),
                    "categories": i.categories,
                    "channel": i.conversation.channel,
                    "language": i.language,
                    "owner": i.owner.username if i.owner else None,
                    "words": pii.redact(i.words)
                    if not masking.revealed_until(request, i.conversation.pk)
                    else i.words,
                }
                for i in context["items"]
            ],
            "at": timezone.now().isoformat(),
        }
    )


def _back(request):
    query = QueryDict(request.POST.get("query", ""))
    kept = urlencode({k: query[k] for k in FILTER_KEYS if query.get(k)})
    return redirect(reverse("worklist:list") + (f"?{kept}" if kept else ""))


def _open_conversation(pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    return conversation, list(conversation.escalations.filter(followup_status__in=OPEN_STATUSES))


def _step(request, conversation, kind, owner=None, **extra):
    step = Step.objects.create(
        conversation=conversation, kind=kind, actor=request.user, owner=owner, **extra
    )
    audit.record(
        request,
        "followup",
        target=f"conversation #{conversation.pk}",
        sender_id=conversation.sender_id,
        what=kind,
        owner=owner.get_username() if owner else None,
        outcome=extra.get("outcome"),
        escalations=extra.get("escalations"),
    )
    return step


@role_required(CLINICIAN)
@require_POST
def claim(request, pk):
    conversation, open_ = _open_conversation(pk)
    with transaction.atomic():
        current = Claim.objects.select_for_update().filter(conversation=conversation).first()
        if current is not None and current.owner_id != request.user.pk:
            messages.error(
                request,
                f"Conversation #{pk} is already claimed by "
                f"{current.owner.get_username()}; ask them, or assign it.",
            )
            return _back(request)
        if not open_:
            messages.error(request, f"Conversation #{pk} has no open escalation.")
            return _back(request)
        Claim.objects.update_or_create(
            conversation=conversation, defaults={"owner": request.user, "assigned_by": None}
        )
        _step(request, conversation, CLAIM, owner=request.user)
    messages.success(request, f"You claimed conversation #{pk}.")
    return _back(request)


@role_required(CLINICIAN)
@require_POST
def assign(request, pk):
    conversation, open_ = _open_conversation(pk)
    form = AssignForm(request.POST)
    if not form.is_valid() or not open_:
        messages.error(
            request, "Choose a clinician (the conversation must have an open escalation)."
        )
        return _back(request)
    owner = form.cleaned_data["owner"]
    with transaction.atomic():
        Claim.objects.update_or_create(
            conversation=conversation, defaults={"owner": owner, "assigned_by": request.user}
        )
        _step(request, conversation, ASSIGN, owner=owner)
    messages.success(request, f"Conversation #{pk} assigned to {owner.get_username()}.")
    return _back(request)


@role_required(CLINICIAN)
@require_POST
def release(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    with transaction.atomic():
        deleted, _ = Claim.objects.filter(conversation=conversation).delete()
        if deleted:
            _step(request, conversation, RELEASE)
    if deleted:
        messages.success(request, f"Conversation #{pk} is unclaimed again.")
    else:
        messages.error(request, f"Conversation #{pk} was not claimed.")
    return _back(request)


@role_required(CLINICIAN)
@require_POST
def resolve(request, pk):
    """Sets the follow-up status of every open escalation of the conversation to the
    outcome, with the note as a clinical note; "No answer" keeps it on the list."""
    conversation, open_ = _open_conversation(pk)
    form = ResolveForm(request.POST)
    if not form.is_valid() or not open_:
        messages.error(
            request,
            "Choose an outcome (the conversation must have an open "
            "escalation; the note is at most 4000 characters).",
        )
        return _back(request)
    outcome, body = form.cleaned_data["outcome"], form.cleaned_data["note"].strip()
    now = timezone.now()
    with transaction.atomic():
        for esc in open_:
            esc.followup_status, esc.followup_by, esc.followup_at = outcome, request.user, now
        type(open_[0]).objects.bulk_update(open_, ["followup_status", "followup_by", "followup_at"])
        note = (
            Note.objects.create(
                conversation=conversation,
                kind=Note.CLINICAL,
                author=request.user,
                escalation=open_[0],
                body=body,
            )
            if body
            else None
        )
        if outcome not in OPEN_STATUSES:
            Claim.objects.filter(conversation=conversation).delete()
        sync.refresh_followup(conversation)
        _step(
            request,
            conversation,
            RESOLVE,
            outcome=outcome,
            note=note,
            escalations=[e.pk for e in open_],
        )
    label = dict(OUTCOMES)[outcome]
    messages.success(request, f"Conversation #{pk}: {label}.")
    return _back(request)
