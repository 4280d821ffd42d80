"""The console's pages of live takeover: take over, the live page, its JSON feed, staff
messages and handing back (console/takeover/service.py does the work)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from console.staff import masking
from console.staff.models import Conversation
from console.staff.roles import REVIEWER, role_required
from console.takeover import service

# The live page runs one script of the console's own (static/takeover/takeover.js) and
# fetches JSON from the console; nothing inline, nothing from elsewhere.
LIVE_CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@role_required(REVIEWER)
@require_POST
def start(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        service.start(request, conversation)
    except service.TakeoverError as error:
        messages.error(request, str(error))
        return redirect("staff:transcript", pk=pk)
    return redirect("takeover:live", pk=pk)


@role_required(REVIEWER)
@require_GET
def live(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    takeover = service.active(conversation)
    response = render(
        request,
        "takeover/live.html",
        {
            "conversation": conversation,
            "takeover": takeover,
            "mine": bool(takeover and takeover.user_id == request.user.pk),
            "window": service.window(conversation),
            "no_reply_minutes": round(service.no_reply_seconds() / 60, 1),
        },
    )
    response["Content-Security-Policy"] = LIVE_CSP
    return response


@role_required(REVIEWER)
@require_GET
def feed(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        after = max(0, int(request.GET.get("after") or 0))
    except ValueError:
        after = 0
    revealed = masking.revealed_until(request, pk) is not None
    return JsonResponse(
        service.live_events(request, conversation, service.active(conversation), after, revealed)
    )


@role_required(REVIEWER)
@require_POST
def send(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        service.send(request, conversation, request.POST.get("text", ""))
    except service.TakeoverError as error:
        if _wants_json(request):
            return JsonResponse({"sent": False, "error": str(error)}, status=error.status)
        messages.error(request, str(error))
        return redirect("takeover:live", pk=pk)
    if _wants_json(request):
        return JsonResponse({"sent": True})
    return redirect("takeover:live", pk=pk)


@role_required(REVIEWER)
@require_POST
def hand_back(request, pk):
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        service.hand_back(request, conversation)
    except service.TakeoverError as error:
        messages.error(request, str(error))
        return redirect(reverse("takeover:live", args=[pk]))
    messages.success(request, "Handed back: the assistant answers this conversation again.")
    return redirect("staff:transcript", pk=pk)
